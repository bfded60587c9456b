using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PcapWatch.Dashboard;

/// <summary>
/// Who may read the page: a bearer token (scripts, curl) and/or a user and password (browsers, by HTTP Basic). From
/// settings only — never the URL, never a log line. Compared in constant time.
/// </summary>
public sealed class DashboardCredentials
{
    public static DashboardCredentials None { get; } = new(null, null, null);

    private readonly byte[]? _token;
    private readonly byte[]? _basic;

    public DashboardCredentials(string? token, string? user, string? password)
    {
        if (!string.IsNullOrEmpty(token)) _token = Encoding.UTF8.GetBytes(token);
        if (string.IsNullOrEmpty(user) != string.IsNullOrEmpty(password))
        {
            throw new ArgumentException("a dashboard user needs a password, and a password a user");
        }
        if (!string.IsNullOrEmpty(user))
        {
            if (user.Contains(':')) throw new ArgumentException("a dashboard user name cannot contain ':' (HTTP Basic splits there)");
            _basic = Encoding.UTF8.GetBytes(user + ":" + password);
        }
    }

    public bool Any => _token is not null || _basic is not null;

    public bool AllowsBasic => _basic is not null;

    /// <summary>Whether an Authorization header value carries one of the configured credentials.</summary>
    public bool Accept(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization)) return false;
        if (_token is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[7..].Trim()), _token);
        }
        if (_basic is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            byte[] decoded;
            try
            {
                decoded = Convert.FromBase64String(authorization[6..].Trim());
            }
            catch (FormatException)
            {
                return false;
            }
            return FixedTimeEquals(decoded, _basic);
        }
        return false;
    }

    /// <summary>
    /// Who an Authorization header says it is, for the log of a failed login: the Basic user's name (never the
    /// password), or the kind of credential.
    /// </summary>
    public static string Claimant(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization)) return "no credentials";
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return "a bearer token";
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return "an unknown scheme";
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            int colon = decoded.IndexOf(':');
            var user = colon < 0 ? decoded : decoded[..colon];
            // A name is attacker-written: bounded, and without control characters that could forge log lines.
            user = new string(user.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
            return $"user '{user}'";
        }
        catch (FormatException)
        {
            return "an unreadable Basic header";
        }
    }

    private static bool FixedTimeEquals(byte[] given, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(expected));

    /// <summary>
    /// Loopback is this machine only; any other address reaches other people, so it needs credentials (checked before
    /// anything listens).
    /// </summary>
    public static bool Required(IPAddress listen) => !IPAddress.IsLoopback(listen);
}

using System.Net;
using System.Text;

namespace PcapWatch.Dashboard;

/// <summary>
/// Who may read the page: named users (<see cref="DashboardUser"/>), from settings only — never the URL, never a flag,
/// never a log line. A request proves a user by HTTP Basic (name and password) or a bearer token.
/// </summary>
public sealed class DashboardCredentials
{
    public static DashboardCredentials None { get; } = new([]);

    private readonly Dictionary<string, DashboardUser> _byName;
    private readonly DashboardUser[] _withTokens;
    private readonly VerifiedPasswords _verified = new();

    public DashboardCredentials(IEnumerable<DashboardUser> users)
    {
        _byName = new Dictionary<string, DashboardUser>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in users)
        {
            // Settings keys are case-blind: two spellings of one name would silently merge there.
            if (!_byName.TryAdd(user.Name, user)) throw new ArgumentException($"dashboard user '{user.Name}' is given twice");
        }
        _withTokens = _byName.Values.Where(u => u.TokenHash is not null).ToArray();
    }

    public IReadOnlyCollection<DashboardUser> Users => _byName.Values;

    public bool Any => _byName.Count > 0;

    public bool AllowsBasic => _byName.Values.Any(u => u.PasswordHash is not null);

    /// <summary>The user an Authorization header proves, or null.</summary>
    public DashboardUser? Authenticate(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization)) return null;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization[7..].Trim();
            // Every user's hash is compared, found or not, so the time says nothing about which.
            DashboardUser? found = null;
            foreach (var user in _withTokens)
            {
                if (DashboardSecrets.VerifyToken(user.TokenHash!, token)) found = user;
            }
            return found;
        }
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        if (ReadBasic(authorization) is not var (name, password)) return null;
        if (!_byName.TryGetValue(name, out var named) || named.PasswordHash is null)
        {
            _verified.Reject(password); // the same work as a real check: the time does not say which names exist
            return null;
        }
        return _verified.Check(named, password) ? named : null;
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
        if (ReadBasic(authorization) is not var (name, _)) return "an unreadable Basic header";
        return $"user '{Printable(name)}'";
    }

    /// <summary>An attacker-written name, bounded and without control characters that could forge log lines.</summary>
    public static string Printable(string text) => new(text.Take(DashboardUser.MaxNameLength).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static (string Name, string Password)? ReadBasic(string authorization)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            int colon = decoded.IndexOf(':');
            return colon < 0 ? (decoded, "") : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Loopback is this machine only; any other address reaches other people, so it needs credentials (checked before
    /// anything listens).
    /// </summary>
    public static bool Required(IPAddress listen) => !IPAddress.IsLoopback(listen);
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace PcapWatch.Dashboard;

/// <summary>
/// How the page keeps what proves a user: a password as ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// makes it (PBKDF2 with HMAC-SHA512, a random salt per hash, 100,000 iterations: slow on purpose against guessing);
/// a token, which this class makes from 32 random bytes and so cannot be guessed, as its SHA-256 (the practice for
/// random API tokens: a slow hash would add nothing against 256 bits, and would cost every script's request).
/// </summary>
public static class DashboardSecrets
{
    /// <summary>NIST SP 800-63B asks at least 8; a page of who went where asks more.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>A password longer than this is refused before hashing: PBKDF2's cost grows with it.</summary>
    public const int MaximumPasswordLength = 1024;

    private const string TokenPrefix = "pcw_";
    private const string TokenHashPrefix = "sha256:";

    private static readonly PasswordHasher<DashboardUser> Hasher = new();

    /// <summary>Why <paramref name="password"/> is refused, or null.</summary>
    public static string? PasswordProblem(string password) => password.Length switch
    {
        < MinimumPasswordLength => $"a dashboard password needs at least {MinimumPasswordLength} characters",
        > MaximumPasswordLength => $"a dashboard password has at most {MaximumPasswordLength} characters",
        _ => null,
    };

    public static string HashPassword(string password) =>
        PasswordProblem(password) is { } problem ? throw new ArgumentException(problem) : Hasher.HashPassword(null!, password);

    public static bool VerifyPassword(string passwordHash, string password) =>
        password.Length <= MaximumPasswordLength
        && Hasher.VerifyHashedPassword(null!, passwordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>Identity's version 3 format: a marker byte 0x01, then the PRF, iterations, salt and subkey.</summary>
    public static bool IsPasswordHash(string text)
    {
        Span<byte> bytes = stackalloc byte[128];
        return Convert.TryFromBase64String(text, bytes, out int length) && length >= 13 + 16 + 32 && bytes[0] == 0x01;
    }

    /// <summary>A new token: "pcw_" and 32 random bytes in base64url (shown once; only its hash is kept).</summary>
    public static string NewToken() => TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashToken(string token) =>
        TokenHashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool IsTokenHash(string text) =>
        text.StartsWith(TokenHashPrefix, StringComparison.Ordinal) && text.Length == TokenHashPrefix.Length + 64
        && text[TokenHashPrefix.Length..].All(char.IsAsciiHexDigitLower);

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="tokenHash"/>, in time that does not depend on where they differ.</summary>
    public static bool VerifyToken(string tokenHash, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashToken(token)), Encoding.ASCII.GetBytes(tokenHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

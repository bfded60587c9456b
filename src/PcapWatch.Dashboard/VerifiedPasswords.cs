using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PcapWatch.Dashboard;

/// <summary>
/// Remembers, for a few minutes, which name and password pairs were verified, so that a browser — which sends them with
/// every request, the live feed's too — costs one slow hash per user and not one per request. Remembered by an HMAC
/// under a key made for this process: nothing kept here can be turned back into a password.
/// </summary>
internal sealed class VerifiedPasswords
{
    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(5);
    private const int Capacity = 1_024;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, DateTime> _until = new(StringComparer.Ordinal);
    private readonly Lazy<string> _decoy = new(() => DashboardSecrets.HashPassword("a decoy that no one uses " + Guid.NewGuid()));

    public bool Check(DashboardUser user, string password)
    {
        // The stored hash is part of the key: a changed password (a restart with new settings) is checked afresh.
        var key = Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{user.Name}\n{user.PasswordHash}\n{password}")));
        if (_until.TryGetValue(key, out var until) && until > DateTime.UtcNow) return true;
        if (!DashboardSecrets.VerifyPassword(user.PasswordHash!, password)) return false;
        if (_until.Count >= Capacity) _until.Clear(); // bounded: the worst is one more slow check per user
        _until[key] = DateTime.UtcNow + Remembered;
        return true;
    }

    /// <summary>A check that fails, as slow as a real one.</summary>
    public void Reject(string password) => DashboardSecrets.VerifyPassword(_decoy.Value, password);
}

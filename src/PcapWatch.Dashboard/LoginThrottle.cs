using System.Net;

namespace PcapWatch.Dashboard;

/// <summary>
/// Slows password guessing per client address: after <see cref="FreeFailures"/> failed logins in a row, the client is
/// refused (429) for a time that doubles with each further failure, up to <see cref="MaxLockout"/>; a success clears it.
/// Memory is bounded: past <see cref="MaxClients"/> addresses, the longest quiet half is forgotten.
/// </summary>
internal sealed class LoginThrottle(TimeProvider clock)
{
    public const int FreeFailures = 5;
    public const int MaxClients = 10_000;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(5);

    private readonly Dictionary<IPAddress, (int Failures, DateTimeOffset Until, DateTimeOffset Last)> _clients = [];

    /// <summary>How long <paramref name="client"/> must still wait before it may try again (zero: it may now).</summary>
    public TimeSpan Wait(IPAddress client)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(client, out var entry)) return TimeSpan.Zero;
            var left = entry.Until - clock.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Counts a failed login; the lockout it earns (zero while the free failures last).</summary>
    public TimeSpan Failed(IPAddress client)
    {
        lock (_clients)
        {
            var now = clock.GetUtcNow();
            if (_clients.Count >= MaxClients && !_clients.ContainsKey(client)) ForgetQuietest();
            int failures = (_clients.TryGetValue(client, out var entry) ? entry.Failures : 0) + 1;
            var lockout = failures <= FreeFailures ? TimeSpan.Zero : Lockout(failures - FreeFailures);
            _clients[client] = (failures, now + lockout, now);
            return lockout;
        }
    }

    public void Succeeded(IPAddress client)
    {
        lock (_clients) _clients.Remove(client);
    }

    private static TimeSpan Lockout(int beyondFree)
    {
        double seconds = FirstLockout.TotalSeconds * Math.Pow(2, Math.Min(beyondFree - 1, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxLockout.TotalSeconds));
    }

    private void ForgetQuietest()
    {
        foreach (var quiet in _clients.OrderBy(c => c.Value.Last).Take(_clients.Count / 2).Select(c => c.Key).ToList())
        {
            _clients.Remove(quiet);
        }
    }
}

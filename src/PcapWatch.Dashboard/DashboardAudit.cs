using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PcapWatch.Dashboard;

/// <summary>
/// The audit trail: each request that reads personal data is one <see cref="AuditEvent"/>, logged as a structured
/// event, kept among the latest (<c>/api/audit</c>), and written to the audit topic when there is one. The request's
/// values are attacker-written: bounded in number and length, control characters replaced, so a line cannot be forged.
/// The page asks for the summary and each chart again every 5 s: the same request by the same user from the same client
/// within <see cref="RepeatWindow"/> of the one recorded is counted (<see cref="Repeats"/>), not recorded again.
/// </summary>
internal sealed class DashboardAudit(ILogger log, TimeProvider clock, AuditTopicWriter? topic, int capacity = DashboardAudit.DefaultCapacity)
{
    public const int DefaultCapacity = 1_000;
    private const int MaxQueryValues = 8, MaxValueLength = 300;

    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 10_000;

    private readonly LinkedList<AuditEvent> _latest = new();
    private readonly Dictionary<string, DateTimeOffset> _recorded = new(StringComparer.Ordinal);

    /// <summary>Requests not recorded again because the same one was, less than a minute before.</summary>
    public long Repeats { get; private set; }

    public void Record(HttpContext context, SignedIn user, bool refused)
    {
        var request = context.Request;
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query.Take(MaxQueryValues))
        {
            query.TryAdd(Bounded(key, 64), Bounded(value.ToString(), MaxValueLength)); // two keys may share their first 64 characters
        }
        var audited = new AuditEvent(clock.GetUtcNow(), user.Name, user.RoleName,
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown", Bounded(request.Path.Value ?? "/", MaxValueLength), query, refused);
        if (IsRepeat(audited)) return;
        log.LogInformation("Dashboard audit: {User} ({Role}) from {Client} {Outcome} {Path} {Query}", audited.User, audited.Role,
            audited.Client, refused ? "was refused" : "read", audited.Path, JsonSerializer.Serialize(query));
        lock (_latest)
        {
            _latest.AddFirst(audited);
            if (_latest.Count > capacity) _latest.RemoveLast();
        }
        topic?.Write(audited);
    }

    private bool IsRepeat(AuditEvent audited)
    {
        var signature = string.Join('\n', audited.User, audited.Client, audited.Path, JsonSerializer.Serialize(audited.Query), audited.Refused);
        lock (_recorded)
        {
            if (_recorded.TryGetValue(signature, out var at) && audited.Time - at < RepeatWindow)
            {
                Repeats++;
                return true;
            }
            if (_recorded.Count >= MaxRemembered) _recorded.Clear(); // bounded: the worst is one more event each
            _recorded[signature] = audited.Time;
            return false;
        }
    }

    /// <summary>The newest <paramref name="limit"/> events, newest first.</summary>
    public IReadOnlyList<AuditEvent> Latest(int limit)
    {
        lock (_latest) return _latest.Take(limit).ToList();
    }

    private static string Bounded(string text, int max)
    {
        var cut = text.Length > max ? text[..max] + "…" : text;
        return string.Create(cut.Length, cut, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
    }
}

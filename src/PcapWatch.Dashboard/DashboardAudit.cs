using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PcapWatch.Dashboard;

/// <summary>
/// The audit trail: each request that reads personal data is one <see cref="AuditEvent"/>, logged as a structured
/// event, kept among the latest (<c>/api/audit</c>), and written to the audit topic when there is one. The request's
/// values are attacker-written: bounded in number and length, control characters replaced, so a line cannot be forged.
/// </summary>
internal sealed class DashboardAudit(ILogger log, TimeProvider clock, AuditTopicWriter? topic, int capacity = DashboardAudit.DefaultCapacity)
{
    public const int DefaultCapacity = 1_000;
    private const int MaxQueryValues = 8, MaxValueLength = 300;

    private readonly LinkedList<AuditEvent> _latest = new();

    public void Record(HttpContext context, SignedIn user, bool refused)
    {
        var request = context.Request;
        var query = request.Query.Take(MaxQueryValues)
            .ToDictionary(q => Bounded(q.Key, 64), q => Bounded(q.Value.ToString(), MaxValueLength), StringComparer.Ordinal);
        var audited = new AuditEvent(clock.GetUtcNow(), user.Name, user.Role.ToString().ToLowerInvariant(),
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown", Bounded(request.Path.Value ?? "/", MaxValueLength), query, refused);
        log.LogInformation("Dashboard audit: {User} ({Role}) from {Client} {Outcome} {Path} {Query}", audited.User, audited.Role,
            audited.Client, refused ? "was refused" : "read", audited.Path, JsonSerializer.Serialize(query));
        lock (_latest)
        {
            _latest.AddFirst(audited);
            if (_latest.Count > capacity) _latest.RemoveLast();
        }
        topic?.Write(audited);
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

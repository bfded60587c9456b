using System.Text.Json.Serialization;

namespace PcapWatch.Dashboard;

/// <summary>
/// One request that read personal data: who (user, role, client address), when, what (path, and the query: the
/// employee, pattern or address looked up), and whether it was refused for the user's role.
/// </summary>
public sealed record AuditEvent(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("client")] string Client,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("query")] IReadOnlyDictionary<string, string> Query,
    [property: JsonPropertyName("refused")] bool Refused);

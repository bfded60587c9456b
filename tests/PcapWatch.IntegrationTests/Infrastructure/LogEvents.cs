using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>Reading a property of a structured log event (Serilog's compact JSON) as the type it was logged with.</summary>
internal static partial class LogEvents
{
    /// <summary>
    /// The event's message as the text format writes it ({Message:lj}): strings unquoted, numbers with their format.
    /// Only for waiting on a stage and for readable failures; assertions read the properties.
    /// </summary>
    public static string Render(JsonElement logEvent)
    {
        var template = logEvent.GetProperty("@mt").GetString() ?? "";
        return Hole().Replace(template, m =>
        {
            if (m.Value.StartsWith("{{", StringComparison.Ordinal)) return "{";
            if (m.Value.StartsWith("}}", StringComparison.Ordinal)) return "}";
            if (!logEvent.TryGetProperty(m.Groups["name"].Value, out var value)) return m.Value;
            var format = m.Groups["format"].Success ? m.Groups["format"].Value : null;
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Number when format is not null && value.TryGetDouble(out var d) => d.ToString(format, CultureInfo.InvariantCulture),
                JsonValueKind.True => "True",
                JsonValueKind.False => "False",
                _ => value.GetRawText(),
            };
        });
    }

    [GeneratedRegex(@"\{\{|\}\}|\{[@$]?(?<name>\w+)(,[^:}]*)?(:(?<format>[^}]*))?\}")]
    private static partial Regex Hole();

    public static long Long(this JsonElement logEvent, string property) => logEvent.GetProperty(property).GetInt64();

    public static string? Text(this JsonElement logEvent, string property) => logEvent.GetProperty(property).ToString();

    /// <summary>The run summary's counts: (packets, matches, dead letters).</summary>
    public static (long Packets, long Matches, long DeadLettered) Summary(this CliProcess run)
    {
        var stopped = run.Event("Stopped: packets=");
        return (stopped.Long("Packets"), stopped.Long("Matches"), stopped.Long("DeadLettered"));
    }
}

namespace PcapWatch.Cli.Configuration;

/// <summary>Which client properties hold secrets, so that no log line ever shows their values.</summary>
internal static class Secrets
{
    private static readonly string[] Markers = ["password", "secret", "jaas", "token", "key.pem", "ssl.key", "credentials", "user.info"];

    public static bool IsSecret(string property) =>
        Markers.Any(m => property.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>"k=v, k=***" for a log line.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> properties) =>
        properties.Count == 0 ? "(none)"
            : string.Join(", ", properties.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={(IsSecret(p.Key) ? "***" : p.Value)}"));
}

using System.Text.RegularExpressions;

namespace PcapWatch.Cli.Configuration;

/// <summary>Which client properties hold secrets, so that no log line ever shows their values.</summary>
internal static partial class Secrets
{
    // librdkafka's and Schema Registry's credential properties all contain one of these: sasl.password,
    // ssl.key.password, ssl.keystore.password, ssl.key.pem, sasl.oauthbearer.client.secret, sasl.oauthbearer.config
    // (its principal and extensions), sasl.oauthbearer.assertion.private.key.*, sasl.jaas.config,
    // basic.auth.user.info, bearer.auth.token, bearer.auth.credentials.source settings.
    private static readonly string[] Markers =
    [
        "password", "secret", "jaas", "token", "key.pem", "ssl.key", "private.key", "credentials", "user.info", "oauthbearer.config",
    ];

    public static bool IsSecret(string property) =>
        Markers.Any(m => property.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The value as a log line may show it: *** for a secret, and a URL's user:password@ masked whatever the key.
    /// </summary>
    public static string Mask(string property, string value) =>
        IsSecret(property) ? "***" : UrlCredentials().Replace(value, "://***@");

    /// <summary>"k=v, k=***" for a log line.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> properties) =>
        properties.Count == 0 ? "(none)"
            : string.Join(", ", properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Mask(p.Key, p.Value)}"));

    [GeneratedRegex("://[^/@\\s]*@")]
    private static partial Regex UrlCredentials();
}

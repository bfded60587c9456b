using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// The checks of settings that need more than an annotation: each returns what is wrong in one line (null when all is
/// well), for the validators to report and for the tools to throw (<see cref="ThrowIfFailed"/>).
/// </summary>
internal static class SettingsChecks
{
    /// <summary>The Confluent client property that <c>--schema-registry</c> sets.</summary>
    public const string SchemaRegistryUrlKey = "schema.registry.url";

    public static void ThrowIfFailed(string? error)
    {
        if (error is not null) throw new SettingsException(error);
    }

    /// <summary>The Kafka settings every command needs.</summary>
    public static string? Bootstrap(PcapWatchSettings settings) =>
        string.IsNullOrWhiteSpace(settings.Kafka.BootstrapServers)
            ? "Kafka:BootstrapServers is not set: pass --bootstrap-servers, set " + SettingsLoader.EnvironmentPrefix
                + "Kafka__BootstrapServers, or put it in appsettings.json"
            : null;

    /// <summary>The bootstrap servers, trimmed; a <see cref="SettingsException"/> when there are none.</summary>
    public static string RequireBootstrap(PcapWatchSettings settings)
    {
        ThrowIfFailed(Bootstrap(settings));
        return settings.Kafka.BootstrapServers!.Trim();
    }

    /// <summary>
    /// Client properties that void a guarantee (<see cref="UnsafeClientSettings"/>): one line naming them and what they
    /// break, unless <c>AllowUnsafeKafkaSettings</c> is set; then none, and <paramref name="allowed"/> holds them, for
    /// the caller to log as warnings.
    /// </summary>
    public static string? UnsafeKafkaSettings(PcapWatchSettings settings, out IReadOnlyList<string> allowed)
    {
        var found = UnsafeClientSettings.Find(settings.Kafka.Consumer, settings.Kafka.Producer);
        allowed = settings.AllowUnsafeKafkaSettings ? found.Select(f => f.ToString()).ToList() : [];
        if (found.Count == 0 || settings.AllowUnsafeKafkaSettings) return null;
        return $"{string.Join("; ", found)}; remove {(found.Count > 1 ? "them" : "it")}, or set AllowUnsafeKafkaSettings to "
            + "true to run without that guarantee";
    }

    /// <summary>
    /// What a tool does with <see cref="UnsafeKafkaSettings"/>: refuses, or logs each allowed one as a warning.
    /// </summary>
    public static void RefuseUnsafeKafkaSettings(PcapWatchSettings settings, ILogger log)
    {
        ThrowIfFailed(UnsafeKafkaSettings(settings, out var allowed));
        foreach (var finding in allowed) log.LogWarning("Unsafe Kafka setting allowed by AllowUnsafeKafkaSettings: {Finding}", finding);
    }

    /// <summary>Avro output needs a Schema Registry.</summary>
    public static string? OutputFormat(PcapWatchSettings s) =>
        s.OutputFormat == Output.OutputFormat.Avro && !s.SchemaRegistry.ContainsKey(SchemaRegistryUrlKey)
            ? "OutputFormat avro needs a Schema Registry: pass --schema-registry URL or set SchemaRegistry:" + SchemaRegistryUrlKey
            : null;

    /// <summary>
    /// The Schema Registry client checks its own properties (unknown names, bad values) when it is made.
    /// </summary>
    public static string? SchemaRegistry(IReadOnlyDictionary<string, string> properties)
    {
        if (properties.Count == 0) return null;
        try
        {
            new Confluent.SchemaRegistry.CachedSchemaRegistryClient(properties).Dispose();
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or UriFormatException)
        {
            return $"SchemaRegistry: {ex.Message}";
        }
    }

    public static string? WritableDirectory(string path)
    {
        try
        {
            PrivateDirectory.Create(path); // owner-only: it will hold names (StateDirectoryLock restricts one given empty)
            var probe = Path.Combine(path, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"StateDir '{path}' is not a writable directory: {ex.Message}";
        }
    }

    /// <summary>
    /// librdkafka knows its properties: making a client (no connection is waited for) rejects unknown names and bad
    /// values now, with its own message, instead of after the tables have loaded. Only the kinds of client the user
    /// gave properties for: PcapWatch's own defaults need no check, and each client made costs start-up time (~50 ms).
    /// </summary>
    public static string? ClientProperties(KafkaSettings kafka)
    {
        var bootstrap = kafka.BootstrapServers ?? "localhost:9092";
        if (kafka.Consumer.Count > 0 && Consumer(bootstrap, kafka.Consumer) is { } consumerError) return consumerError;
        return kafka.Producer.Count > 0 ? Producer(bootstrap, kafka.Producer) : null;
    }

    private static string? Consumer(string bootstrap, Dictionary<string, string> properties)
    {
        try
        {
            // Its logs are not wanted: it may try the brokers before it is disposed, and the service logs for real
            // later.
            using var consumer = new ConsumerBuilder<byte[], byte[]>(ClientSettings.Consumer(bootstrap, "settings-check", properties))
                .SetLogHandler((_, _) => { }).Build();
            return null;
        }
        catch (Exception ex) when (ex is KafkaException or ArgumentException or InvalidOperationException)
        {
            return $"Kafka:Consumer: {ex.Message}";
        }
    }

    private static string? Producer(string bootstrap, Dictionary<string, string> properties)
    {
        try
        {
            using var producer = new ProducerBuilder<byte[], byte[]>(ClientSettings.Producer(bootstrap, properties))
                .SetLogHandler((_, _) => { }).Build();
            return null;
        }
        catch (Exception ex) when (ex is KafkaException or ArgumentException or InvalidOperationException)
        {
            return $"Kafka:Producer: {ex.Message}";
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using PcapWatch.Kafka;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Builds <see cref="PcapWatchSettings"/> the .NET way: <c>appsettings.json</c> (current directory, or
/// <c>--config FILE</c>), then <c>PCAPWATCH__</c> environment variables, then the flags given on the command line.
/// Then validates: anything wrong throws <see cref="SettingsException"/> with one line that says what and where.
/// </summary>
internal sealed class SettingsLoader
{
    public const string EnvironmentPrefix = "PCAPWATCH__";

    private readonly List<Func<ParseResult, KeyValuePair<string, string?>[]>> _flags = [];

    /// <summary>Maps a flag to a configuration key; only a flag actually given overrides the other sources.</summary>
    public SettingsLoader Flag<T>(Option<T> option, string key)
    {
        _flags.Add(parse => parse.GetResult(option) is { Implicit: false }
            ? [new(key, Convert.ToString(parse.GetValue(option), CultureInfo.InvariantCulture))]
            : []);
        return this;
    }

    /// <summary>-X KEY=VALUE: a client property for consumers and producers alike.</summary>
    public SettingsLoader KafkaFlag(Option<string[]> option)
    {
        _flags.Add(parse =>
        {
            var pairs = new List<KeyValuePair<string, string?>>();
            foreach (var pair in parse.GetValue(option) ?? [])
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0) throw new SettingsException($"-X/--kafka '{pair}' is not KEY=VALUE");
                var (key, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
                pairs.Add(new($"Kafka:Consumer:{key}", value));
                pairs.Add(new($"Kafka:Producer:{key}", value));
            }
            return [.. pairs];
        });
        return this;
    }

    public PcapWatchSettings Load(ParseResult parse, string? configFile) => Bind(Build(parse, configFile));

    /// <summary>The configuration sources in their order: file, environment, flags.</summary>
    public IConfiguration Build(ParseResult parse, string? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new SettingsException($"--config: {configFile} does not exist");
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        else
        {
            builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(_flags.SelectMany(f => f(parse)));
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            throw new SettingsException(Describe(ex)); // a settings file that is not JSON
        }
    }

    /// <summary>Binds every key to <paramref name="settings"/>; an unknown key or a value of the wrong type is a <see
    /// cref="SettingsException"/>.</summary>
    public static void Bind(IConfiguration configuration, PcapWatchSettings settings)
    {
        SettingValueConverter.Register();
        try
        {
            configuration.Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException)
        {
            throw new SettingsException(Describe(ex));
        }
    }

    private static PcapWatchSettings Bind(IConfiguration configuration)
    {
        var settings = new PcapWatchSettings();
        Bind(configuration, settings);
        return settings;
    }

    /// <summary>The binder's messages are long; keep the part a user needs.</summary>
    private static string Describe(Exception ex)
    {
        var message = ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message;
        const string unknown = "the following properties were not found on the instance of";
        int at = ex.Message.IndexOf(unknown, StringComparison.Ordinal);
        if (at >= 0)
        {
            var names = ex.Message[(ex.Message.IndexOf(':', at) + 1)..].Trim();
            return $"unknown setting(s) {names} (see docs/operations.md, Configuration)";
        }
        return message.ReplaceLineEndings(" ");
    }

    /// <summary>The Kafka settings every command needs.</summary>
    public static string RequireBootstrap(PcapWatchSettings settings) =>
        string.IsNullOrWhiteSpace(settings.Kafka.BootstrapServers)
            ? throw new SettingsException("Kafka:BootstrapServers is not set: pass --bootstrap-servers, set "
                + EnvironmentPrefix + "Kafka__BootstrapServers, or put it in appsettings.json")
            : settings.Kafka.BootstrapServers.Trim();

    /// <summary>
    /// Client properties that void a guarantee (<see cref="UnsafeClientSettings"/>) stop the command with one line naming
    /// the first and what it breaks, unless <c>AllowUnsafeKafkaSettings</c> is set; then each is logged as a warning.
    /// </summary>
    public static void RefuseUnsafeKafkaSettings(PcapWatchSettings settings)
    {
        var found = UnsafeClientSettings.Find(settings.Kafka.Consumer, settings.Kafka.Producer);
        if (found.Count == 0) return;
        if (!settings.AllowUnsafeKafkaSettings)
        {
            throw new SettingsException($"{string.Join("; ", found)}; remove {(found.Count > 1 ? "them" : "it")}, or set "
                + "AllowUnsafeKafkaSettings to true to run without that guarantee");
        }
        foreach (var finding in found)
        {
            Serilog.Log.Warning("Unsafe Kafka setting allowed by AllowUnsafeKafkaSettings: {Finding}", finding.ToString());
        }
    }

    /// <summary>The Confluent client property that <c>--schema-registry</c> sets.</summary>
    public const string SchemaRegistryUrlKey = "schema.registry.url";

    /// <summary>The Schema Registry client checks its own properties (unknown names, bad values) when it is made.</summary>
    public static void ValidateSchemaRegistry(IReadOnlyDictionary<string, string> properties)
    {
        if (properties.Count == 0) return;
        try
        {
            new Confluent.SchemaRegistry.CachedSchemaRegistryClient(properties).Dispose();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or UriFormatException)
        {
            throw new SettingsException($"SchemaRegistry: {ex.Message}");
        }
    }

    public static void RequireWritableDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException($"StateDir '{path}' is not a writable directory: {ex.Message}");
        }
    }

    /// <summary>
    /// librdkafka knows its properties: making a client (no connection is waited for) rejects unknown names and bad
    /// values now, with its own message, instead of after the tables have loaded. Only the kinds of client the user
    /// gave properties for: PcapWatch's own defaults need no check, and each client made costs start-up time (~50 ms).
    /// </summary>
    public static void ValidateClientProperties(KafkaSettings kafka)
    {
        var bootstrap = kafka.BootstrapServers ?? "localhost:9092";
        if (kafka.Consumer.Count > 0) ValidateConsumer(bootstrap, kafka.Consumer);
        if (kafka.Producer.Count > 0) ValidateProducer(bootstrap, kafka.Producer);
    }

    private static void ValidateConsumer(string bootstrap, Dictionary<string, string> properties)
    {
        try
        {
            // Its logs are not wanted: it may try the brokers before it is disposed, and the service logs for real later.
            using var consumer = new ConsumerBuilder<byte[], byte[]>(ClientSettings.Consumer(bootstrap, "settings-check", properties))
                .SetLogHandler((_, _) => { }).Build();
        }
        catch (Exception ex) when (ex is KafkaException or ArgumentException or InvalidOperationException)
        {
            throw new SettingsException($"Kafka:Consumer: {ex.Message}");
        }
    }

    private static void ValidateProducer(string bootstrap, Dictionary<string, string> properties)
    {
        try
        {
            using var producer = new ProducerBuilder<byte[], byte[]>(ClientSettings.Producer(bootstrap, properties))
                .SetLogHandler((_, _) => { }).Build();
        }
        catch (Exception ex) when (ex is KafkaException or ArgumentException or InvalidOperationException)
        {
            throw new SettingsException($"Kafka:Producer: {ex.Message}");
        }
    }
}

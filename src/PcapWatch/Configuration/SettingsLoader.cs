using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Builds <see cref="PcapWatchSettings"/> the .NET way: <c>appsettings.json</c> (current directory, or <c>--config
/// FILE</c>), then <c>PCAPWATCH__</c> environment variables, then the flags given on the command line. A file, key or
/// value the binding refuses is a <see cref="SettingsException"/> with one line that says what and where; the values'
/// checks are the validators' (<see cref="SettingsChecks"/>).
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
}

using System.CommandLine;

namespace PcapWatch.Cli;

/// <summary>Options several commands share, built fresh per command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<string> BootstrapServers() => new("--bootstrap-servers", "-b")
    {
        Description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT…] (the embedded broker prints its own) [Kafka:BootstrapServers]",
    };

    /// <summary>The Schema Registry for Avro output (run writes it, the tools read it).</summary>
    public static Option<string> SchemaRegistry() => new("--schema-registry")
    {
        Description = "Confluent Schema Registry URL, for Avro output records [SchemaRegistry:schema.registry.url]",
    };

    /// <summary>One settings file for every command (default: appsettings.json in the current directory, if any).</summary>
    public static readonly Option<string?> ConfigFile = new("--config")
    {
        Description = "Settings file (JSON) instead of ./appsettings.json; PCAPWATCH__ environment variables and flags override it",
        Recursive = true,
    };

    /// <summary>The "Examples:" block of a command's help.</summary>
    public static string Examples(params string[] lines) =>
        Environment.NewLine + Environment.NewLine + "Examples:" + string.Concat(lines.Select(l => Environment.NewLine + "  " + l));

    /// <summary>How long a tool waits for Kafka and its topic: a person at a terminal wants an answer, not a hang.</summary>
    public static Option<double> Timeout() => new Option<double>("--timeout")
    {
        Description = "Seconds to wait for Kafka (and the topic) before giving up with exit code 3",
        DefaultValueFactory = _ => 10,
    };

    public static TimeSpan TimeoutOf(ParseResult parse, Option<double> option)
    {
        double seconds = parse.GetValue(option);
        return seconds > 0 && seconds <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new Configuration.SettingsException($"--timeout {seconds}: give a number of seconds above 0 and at most a day");
    }

    /// <summary>The index topic the service publishes (who is watched): read by who and dashboard.</summary>
    public static Option<string> ChangelogTopic() => new("--changelog-topic")
    {
        Description = "The index topic the instances publish (who is watched)",
        DefaultValueFactory = _ => Kafka.TopicNames.Default.Changelog,
    };

    public static Option<string?> ProtocolsLike() => new("--protocols-like")
    {
        Description = "Only matches whose P_FRAME_PROTOCOLS is LIKE this SQL pattern (% any run, _ one character), e.g. '%http'",
    };

    public static Option<string> Match() => new Option<string>("--match")
    {
        Description = "Which address joins: src (traffic a watched computer sends, the recipe), dst (traffic it receives) "
            + "or both; with dst/both each record carries DIRECTION (out/in). Broadcast and multicast never match as dst [Match; default src]",
    }.AcceptOnlyFromAmong("src", "dst", "both");

    public static Join.MatchMode ParseMatch(string? value) => value switch
    {
        "dst" => Join.MatchMode.Dst,
        "both" => Join.MatchMode.Both,
        _ => Join.MatchMode.Src,
    };

    /// <summary>kcat's -X: any librdkafka property for every client the command makes (security, tuning).</summary>
    public static Option<string[]> KafkaProperties() => new("--kafka", "-X")
    {
        Description = "A librdkafka client property KEY=VALUE for consumers and producers, e.g. -X security.protocol=SASL_SSL "
            + "(repeatable) [Kafka:Consumer:KEY and Kafka:Producer:KEY]",
        AllowMultipleArgumentsPerToken = false,
    };


    public static Option<string> OutputFormat() => new Option<string>("--format")
    {
        Description = "text: 'EMP_NAME | FRAME_PROTOCOLS | IP_DST' lines, as the recipe shows them; json: the output records",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");
}

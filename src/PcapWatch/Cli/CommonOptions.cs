using System.CommandLine;

namespace PcapWatch.Cli;

/// <summary>Options several commands share, built fresh per command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<string> BootstrapServers() => new("--bootstrap-servers", "-b")
    {
        Description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT…] (the embedded broker prints its own)",
        Required = true,
    };

    public static Option<string?> ProtocolsLike() => new("--protocols-like")
    {
        Description = "Only matches whose P_FRAME_PROTOCOLS is LIKE this SQL pattern (% any run, _ one character), e.g. '%http'",
    };

    public static Option<string> Match() => new Option<string>("--match")
    {
        Description = "Which address joins: src (traffic a watched computer sends, the recipe), dst (traffic it receives) "
            + "or both; with dst/both each record carries DIRECTION (out/in). Broadcast and multicast never match as dst",
        DefaultValueFactory = _ => "src",
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
        Description = "A librdkafka client property KEY=VALUE, e.g. -X security.protocol=SASL_SSL (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Dictionary<string, string>? ParseKafkaProperties(string[]? pairs)
    {
        if (pairs is null || pairs.Length == 0) return null;
        var properties = new Dictionary<string, string>();
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--kafka: '{pair}' is not KEY=VALUE");
            properties[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return properties;
    }

    public static Option<string> OutputFormat() => new Option<string>("--format")
    {
        Description = "text: 'EMP_NAME | FRAME_PROTOCOLS | IP_DST' lines, as the recipe shows them; json: the output records",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");
}

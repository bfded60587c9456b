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

    /// <summary>
    /// One settings file for every command (default: appsettings.json in the current directory, if any).
    /// </summary>
    public static readonly Option<string?> ConfigFile = new("--config")
    {
        Description = "Settings file (JSON) instead of ./appsettings.json; PCAPWATCH__ environment variables and flags override it",
        Recursive = true,
    };

    /// <summary>The "Examples:" block of a command's help.</summary>
    public static string Examples(params string[] lines) =>
        Environment.NewLine + Environment.NewLine + "Examples:" + string.Concat(lines.Select(l => Environment.NewLine + "  " + l));

    /// <summary>
    /// How long a tool waits for Kafka and its topic: a person at a terminal wants an answer, not a hang.
    /// </summary>
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

    public static Option<string> Match()
    {
        var option = new Option<string>("--match")
        {
            Description = "What is attributed, a comma list: src (traffic a watched computer sends, the recipe), dst (traffic it "
                + "receives), both (= src,dst), ip (also by IP address, bound to a MAC by the DHCP, ARP and NDP packets in the "
                + "stream: traffic seen behind a router; alone = src,ip). Records carry DIRECTION (out/in) unless src alone, "
                + "and ATTRIBUTED_BY (mac/ip) with ip. Broadcast and multicast never match as dst [Match; default src]",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !Configuration.SettingValue.TryParse(typeof(Join.MatchMode), value, out _))
            {
                result.AddError($"--match '{value}' is not a comma list of src, dst, both, ip (e.g. --match src,ip)");
            }
        });
        return option;
    }

    public static Option<string> Attribution()
    {
        var names = Configuration.SettingValue.Names(typeof(Service.Attribution));
        var option = new Option<string>("--attribution")
        {
            Description = "Whose packet it is: latest (whoever owns the computer when the packet is processed, the recipe's) or "
                + "capture-time (whoever owned it when the packet was captured; table rows are valid from their valid_from field, "
                + "ISO-8601 or epoch seconds, else their record timestamp) [Attribution; default latest]",
            DefaultValueFactory = _ => names[0],
        };
        option.CompletionSources.Add(names);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            var choices = Configuration.SettingValue.Choices(typeof(Service.Attribution));
            if (!names.Contains(value)) result.AddError($"--attribution '{value}' is not {choices}");
        });
        return option;
    }

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

using System.ComponentModel.DataAnnotations;
using PcapWatch.Kafka;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Every setting, bound from appsettings.json, then PCAPWATCH__ environment variables, then command-line flags (the
/// last wins). Names are configuration keys: <c>Kafka:BootstrapServers</c> is <c>PCAPWATCH__Kafka__BootstrapServers</c>
/// in the environment and <c>--bootstrap-servers</c> on the command line. The flags of <c>run</c> and the table in
/// docs/operations.md are made from the <see cref="SettingAttribute"/>s below. [Range] has no ErrorMessage: the options
/// source generator's copy of RangeAttribute ignores it and always says "The field … must be between A and B". Modes
/// are the core's enums, written in kebab case (<see cref="SettingValueConverter"/>): binding refuses any other value.
/// </summary>
internal sealed partial class PcapWatchSettings
{
    public KafkaSettings Kafka { get; set; } = new();

    [Setting("--state-dir", "Directory for the FASTER table stores, made owner-only (0700: it holds names and watch flags); PcapWatch "
        + "marks it as its own and refuses a folder with other files")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "StateDir must not be empty")]
    public string StateDir { get; set; } = "pcapwatch-state";

    [Setting("--group-id", "Consumer group for the pcap topic; instances with the same group share its partitions")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "GroupId must not be empty")]
    public string GroupId { get; set; } = "pcapwatch";

    [Setting("--instance-id", "Name of this instance in logs, metrics and summaries; give each instance its own --state-dir",
        DefaultText = "HOST-PID")]
    public string? InstanceId { get; set; }

    [Setting("--match", "What is attributed, a comma list: src (eth.src, the recipe), dst (eth.dst), both (= src,dst), ip (also by "
        + "the side's IP address, bound to a MAC by DHCP/ARP/NDP seen in the packets; alone = src,ip). Records carry DIRECTION "
        + "unless src alone, ATTRIBUTED_BY with ip", Demo = true)]
    public Join.MatchMode Match { get; set; } = Join.MatchMode.Src;

    [Setting("--names", "Each match also says what the packet asks for, after every other column: P_NAME (a TLS or QUIC ClientHello's "
        + "server name, else an HTTP Host or HTTP/2 :authority, else a DNS question; lower case, no port) and P_NAME_SOURCE (sni, "
        + "http, dns); null when it carries none. Names are browsing history (docs/names.md)", Demo = true)]
    public bool Names { get; set; }

    [Setting("--name-grace", "With --names: seconds past its TTL that a DNS answer still names its address (connections outlive "
        + "the TTL that led to them)", Demo = true)]
    [Range(0, 86_400)]
    public double NameGraceSeconds { get; set; } = 300;

    [Setting("--passive-dns-max-addresses", "With --names: addresses passive DNS keeps names for; past it the expired, then the "
        + "longest unused, are forgotten (counted)", Demo = true)]
    [Range(1, 16_777_216)]
    public int PassiveDnsMaxAddresses { get; set; } = PcapWatch.Names.PassiveDns.DefaultMaxAddresses;

    [Setting("--attribution", "latest (whoever owns the MAC when the packet is processed, the recipe's) or capture-time (whoever "
        + "owned it when the packet was captured: frame.time_epoch, else the record's timestamp; a table change is valid from "
        + "its row's valid_from, else its record timestamp)", Demo = true)]
    public Service.Attribution Attribution { get; set; } = Service.Attribution.Latest;

    [Setting("--history-retention", "With --attribution capture-time: hours of table history kept (packets captured before it are "
        + "judged as at its start, and counted)", Demo = true)]
    [Range(0.001, 87_600)]
    public double HistoryRetentionHours { get; set; } = 168;

    [Setting("--changelog-topic", "Topic that receives the watched-MAC index (key MAC, tombstone when a MAC stops being watched); '' for none")]
    public string ChangelogTopic { get; set; } = TopicNames.Default.Changelog;

    [Setting("--dhcp-lease-cap", "With --match ip: hours a DHCP lease binds its address at most, whatever the ACK grants (an "
        + "'infinite' lease, 0xFFFFFFFF, ends too)", Demo = true)]
    [Range(0.001, 87_600)]
    public double DhcpLeaseCapHours { get; set; } = 24;

    [Setting("--dhcp-servers", "With --match ip: comma list of the DHCP servers whose ACKs are believed, each an IP address (the "
        + "server identifier, option 54) or a MAC (a server's or a relay's frames); '' believes the first server to answer and "
        + "counts ACKs naming another as a rogue server's", Demo = true)]
    public string DhcpServers { get; set; } = "";

    [Setting("--bindings-max-addresses", "With --match ip: the most IP addresses whose bindings are kept; past it the least "
        + "recently stated are evicted (counted)", Demo = true)]
    [Range(1_024, 100_000_000)]
    public int BindingsMaxAddresses { get; set; } = Bindings.IpBindings.DefaultMaxAddresses;

    [Setting("--binding-claims-per-minute", "With --match ip: new addresses one MAC may claim in a minute (ARP, NDP, DHCP); a MAC "
        + "claiming more is flagged and its claims are not believed for 10 minutes", Demo = true)]
    [Range(1, 1_000_000)]
    public int BindingClaimsPerMinute { get; set; } = Bindings.IpBindings.DefaultClaimsPerMinute;

    [Setting("--max-clock-skew", "Minutes a capture time, LAST_STATED or valid_from may lie past this host's clock and still move "
        + "a retention horizon; later times are clamped there (counted) and a later valid_from still takes effect for its own row", Demo = true)]
    [Range(0, 525_600)]
    public double MaxClockSkewMinutes { get; set; } = 5;

    [Setting("--bindings-topic", "With --match ip: compacted topic through which the instances share the IP-MAC "
        + "bindings they learn (key the address); '' keeps them in each instance")]
    public string BindingsTopic { get; set; } = TopicNames.Default.IpMacBindings;

    [Setting("--names-topic", "With --names: topic through which the instances share what DNS answers told their clients (keyed by "
        + "address, name and client; compacted, retention past a day plus the grace); '' keeps them in each instance")]
    public string NamesTopic { get; set; } = TopicNames.Default.IpNames;

    [Setting("--checkpoint-interval", "Seconds between table checkpoints (taken only when the tables changed; always at shutdown)")]
    [Range(0.001, 86_400)]
    public double CheckpointIntervalSeconds { get; set; } = 30;

    [Setting("--commit-interval", "Seconds between commits of the pcap offsets whose matches the broker has acknowledged (also for "
        + "the partitions a rebalance takes away, and at shutdown); after a crash, what was matched since the last commit is produced again")]
    [Range(0.01, 3_600)]
    public double CommitIntervalSeconds { get; set; } = 1;

    [Setting("--status-interval", "Seconds between one-line status logs (rates, lag, dead letters, table rows); 0 for none")]
    [Range(0, 86_400)]
    public double StatusIntervalSeconds { get; set; } = 30;

    [Setting("--shutdown-timeout", "Seconds stopping may take (deliver the output in flight, commit, checkpoint); past it the instance "
        + "stops without committing what the broker has not acknowledged")]
    [Range(0.001, 3_600)]
    public double ShutdownTimeoutSeconds { get; set; } = 30;

    [Setting("--refused-record-timeout", "Seconds a record the broker refuses (a topic deleted or denied, a size limit below the "
        + "record's) may keep being refused while consumption goes on uncommitted; past it the instance stops with exit code 3, "
        + "naming the topic and the broker's error, having committed nothing past it. An outage is waited out however long")]
    [Range(1, 86_400)]
    public double RefusedRecordTimeoutSeconds { get; set; } = 120;

    [Setting("--startup-timeout", "Seconds to wait at start for Kafka to answer (retrying with backoff, saying so every 10 s); past "
        + "it the instance exits with code 3. 0 waits as long as it takes (orchestrators start services in any order)")]
    [Range(0, 86_400)]
    public double StartupTimeoutSeconds { get; set; }

    [Setting("--metrics-port", "Serve Prometheus metrics at /metrics on this TCP port (where it answers: MetricsListen); 0 for none")]
    [Range(0, 65535)]
    public int MetricsPort { get; set; }

    [Setting("--metrics-listen", "Where /metrics answers: loopback (this machine only: the endpoint has no credentials) or all "
        + "(every interface, for a Prometheus elsewhere)")]
    public MetricsListen MetricsListen { get; set; } = MetricsListen.Loopback;

    [Setting("--output-format", "json (ksqlDB's columns) or avro (Confluent wire format; needs --schema-registry)")]
    public Output.OutputFormat OutputFormat { get; set; } = Output.OutputFormat.Json;

    /// <summary>
    /// Run with client properties that void a guarantee (auto commit, no idempotence, acks below all, read_uncommitted,
    /// TLS without verification, …): each is then logged as a warning instead of stopping the start (exit code 2).
    /// </summary>
    public bool AllowUnsafeKafkaSettings { get; set; }

    /// <summary>
    /// Confluent Schema Registry client properties by their names: schema.registry.url, basic.auth.user.info, …
    /// </summary>
    public Dictionary<string, string> SchemaRegistry { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Credentials of <c>pcapwatch dashboard</c> (not a setting of <c>run</c>).</summary>
    public DashboardSettings Dashboard { get; set; } = new();
}

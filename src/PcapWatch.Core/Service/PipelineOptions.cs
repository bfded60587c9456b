using PcapWatch.Kafka;

namespace PcapWatch.Service;

/// <summary>What a PcapWatch instance needs to run.</summary>
public sealed record PipelineOptions
{
    public required string BootstrapServers { get; init; }
    public string GroupId { get; init; } = "pcapwatch";
    /// <summary>Names this instance in logs and summaries (several instances share a group).</summary>
    public string InstanceId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";
    /// <summary>Where the FASTER table stores live.</summary>
    public required string StateDir { get; init; }
    public TopicNames Topics { get; init; } = TopicNames.Default;
    /// <summary>Which side is attributed (eth.src, the recipe; eth.dst; both), and whether by IP address too.</summary>
    public Join.MatchMode Match { get; init; } = Join.MatchMode.Src;
    /// <summary>
    /// With <see cref="Join.MatchMode.Ip"/>: share learned bindings through <see cref="TopicNames.IpMacBindings"/>.
    /// </summary>
    public bool ShareBindings { get; init; } = true;
    /// <summary>
    /// Each match also says what the packet asks for (TLS SNI, HTTP Host, DNS question): P_NAME and P_NAME_SOURCE, after
    /// every other column. Off keeps the recipe's exact shape.
    /// </summary>
    public bool Names { get; init; }
    /// <summary>
    /// Write every packet a watched MAC sends or receives to <see cref="TopicNames.WatchedPackets"/> for the flow stage,
    /// whatever <see cref="Match"/> joins on (the matches stay as they are).
    /// </summary>
    public bool Flows { get; init; }
    /// <summary>With <see cref="Flows"/>: when flows end (idle per protocol, linger, interim period, grace, cap).</summary>
    public Flows.FlowTimeouts FlowTimeouts { get; init; } = PcapWatch.Flows.FlowTimeouts.Default;
    /// <summary>
    /// With <see cref="Flows"/>: how often the flow stage checkpoints its open flows with its input offsets (and at a
    /// rebalance and at shutdown); after a crash, the flow records made since are made again.
    /// </summary>
    public TimeSpan FlowCheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>With <see cref="Flows"/>: the flow stage's consumer group (its own: it scales by partition assignment).</summary>
    public string FlowGroupId => GroupId + "-flows";
    /// <summary>With <see cref="Names"/>: how long past its TTL a DNS answer still names its address.</summary>
    public TimeSpan NameGrace { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>With <see cref="Names"/>: addresses passive DNS keeps names for (the longest unused go first).</summary>
    public int PassiveDnsMaxAddresses { get; init; } = PcapWatch.Names.PassiveDns.DefaultMaxAddresses;
    /// <summary>With <see cref="Names"/>: share what DNS answers told through <see cref="TopicNames.IpNames"/>.</summary>
    public bool ShareNames { get; init; } = true;

    /// <summary>
    /// Whose packet it is: the MAC's owner now (<see cref="Attribution.Latest"/>, the recipe's), or the owner when the
    /// packet was captured (<see cref="Attribution.CaptureTime"/>: the tables kept as versioned tables).
    /// </summary>
    public Attribution Attribution { get; init; } = Attribution.Latest;
    /// <summary>With <see cref="Attribution.CaptureTime"/>: how far back table versions are kept.</summary>
    public TimeSpan HistoryRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// With <see cref="Join.MatchMode.Ip"/>: the longest a DHCP lease binds its address, whatever the ACK grants.
    /// </summary>
    public TimeSpan DhcpLeaseCap { get; init; } = Bindings.IpBindings.DefaultLeaseCap;

    /// <summary>
    /// With <see cref="Join.MatchMode.Ip"/>: the DHCP servers (and relays) whose ACKs are believed; none: the first to
    /// answer.
    /// </summary>
    public IReadOnlyList<Packets.IpAddressKey> DhcpServerAddresses { get; init; } = [];

    /// <summary>
    /// The MACs of the DHCP servers and relays whose ACKs are believed (with <see cref="DhcpServerAddresses"/>).
    /// </summary>
    public IReadOnlyList<Packets.MacAddress> DhcpServerMacs { get; init; } = [];

    /// <summary>
    /// With <see cref="Join.MatchMode.Ip"/>: the most addresses kept in the bindings (the least recently stated are
    /// evicted).
    /// </summary>
    public int BindingsMaxAddresses { get; init; } = Bindings.IpBindings.DefaultMaxAddresses;

    /// <summary>
    /// With <see cref="Join.MatchMode.Ip"/>: new addresses one MAC may claim in a minute before its claims are not
    /// believed.
    /// </summary>
    public int BindingClaimsPerMinute { get; init; } = Bindings.IpBindings.DefaultClaimsPerMinute;

    /// <summary>
    /// How far past the wall clock a capture time, LAST_STATED or valid_from may move a retention horizon.
    /// </summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeCeiling.DefaultSkew;

    /// <summary>Whether this instance learns bindings and shares them through the bindings topic.</summary>
    internal bool UsesBindingsTopic => (Match & Join.MatchMode.Ip) != 0 && ShareBindings;

    /// <summary>Whether this instance learns names and shares them through the names topic.</summary>
    internal bool UsesNamesTopic => Names && ShareNames;
    /// <summary>JSON (default) or Avro with Confluent Schema Registry.</summary>
    public Output.OutputFormat OutputFormat { get; init; } = Output.OutputFormat.Json;
    /// <summary>Schema Registry client properties (schema.registry.url, auth, SSL); required for Avro.</summary>
    public IReadOnlyDictionary<string, string>? SchemaRegistryProperties { get; init; }
    /// <summary>Publish the index to <see cref="TopicNames.Changelog"/>.</summary>
    public bool PublishChangelog { get; init; } = true;
    /// <summary>How often the matches are flushed and the pcap offsets they came from committed (also for the
    /// partitions a rebalance takes away, and at shutdown).</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How often a one-line status is logged (rates, lag, dead letters, table rows); zero for never.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the table stores are checkpointed when they changed (and always at shutdown).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// How long stopping may take: delivering the output in flight, committing, checkpointing. Past it the instance
    /// stops without committing what is not acknowledged (those packets are read again after a restart).
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// How long records the broker refuses (a topic deleted or denied, a size limit below the record's) may keep being
    /// refused while the instance consumes on without committing; past it the instance stops (exit code 3), having
    /// committed nothing past them. Records left unanswered by an outage are waited for however long it lasts.
    /// </summary>
    public TimeSpan RefusedRecordTimeout { get; init; } = Kafka.DeliveryTracker.DefaultRefusalBudget;
    /// <summary>
    /// How long to wait at start for Kafka to answer; null waits as long as it takes (a service's default).
    /// </summary>
    public TimeSpan? StartupTimeout { get; init; }
    /// <summary>While waiting for Kafka at start, how often to say so.</summary>
    public TimeSpan WaitingLogInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The largest dead letter written (key, value and headers); larger records are cut to fit, with a header
    /// giving their size. Kafka's default max.message.bytes is 1,048,588.</summary>
    public int DeadLetterMaxBytes { get; init; } = Output.DeadLetterWriter.DefaultMaxBytes;
    /// <summary>The largest match value written; a packet whose match would be larger is dead-lettered as
    /// <c>match_too_large</c> (a real packet's match is well under a kilobyte; only a hostile one gets near
    /// this).</summary>
    public int MatchMaxBytes { get; init; } = Output.DeadLetterWriter.DefaultMaxBytes;
    /// <summary>FASTER hash index size per new table store, in 64-byte buckets (a power of two); ~8 rows fit a bucket.
    /// 0 (the default) sizes it from the table topic when the store is created: a quarter bucket per record in it, from
    /// 1,024 to 4,194,304 buckets. A recovered store keeps the size it was created with.</summary>
    public long TableIndexBuckets { get; init; }
    /// <summary>librdkafka properties for the consumers (security settings, tuning), applied last.</summary>
    public IReadOnlyDictionary<string, string>? ConsumerProperties { get; init; }

    /// <summary>librdkafka properties for the producer, applied last.</summary>
    public IReadOnlyDictionary<string, string>? ProducerProperties { get; init; }
}

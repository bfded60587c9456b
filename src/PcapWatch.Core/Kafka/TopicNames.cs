namespace PcapWatch.Kafka;

/// <summary>The topics PcapWatch reads and writes; the defaults are the recipe's names.</summary>
public sealed record TopicNames
{
    public string Employees { get; init; } = "employees";
    public string Computers { get; init; } = "computers";
    public string Pcap { get; init; } = "pcap";
    public string Output { get; init; } = "WATCHED_EMP_NETWORK_TRAFFIC";
    /// <summary>
    /// The watched-MAC index as a table topic (key MAC, tombstone on removal); the recipe's intermediate table.
    /// </summary>
    public string Changelog { get; init; } = "COMP_WATCH_BY_MACADDR";
    /// <summary>Dead letters: pcap records that are not usable packets, with headers saying why.</summary>
    public string PcapDeadLetters { get; init; } = "pcap.dlq";
    public string EmployeesDeadLetters { get; init; } = "employees.dlq";
    public string ComputersDeadLetters { get; init; } = "computers.dlq";
    /// <summary>
    /// IP ↔ MAC bindings learned from packets (with --match ip), shared by the instances (key: the address).
    /// </summary>
    public string IpMacBindings { get; init; } = "IP_MAC_BINDINGS";
    /// <summary>
    /// What DNS answers told clients (with --names), shared by the instances (key: address|name|client).
    /// </summary>
    public string IpNames { get; init; } = "IP_NAMES";
    /// <summary>
    /// With flows on: what the flow stage reads, each watched host's packets in both directions (key: the host's MAC;
    /// value: <see cref="Flows.FlowPacketCodec"/>).
    /// </summary>
    public string WatchedPackets { get; init; } = "WATCHED_EMP_PACKETS";
    /// <summary>With flows on: the flow records (key: the host's MAC; value: <see cref="Flows.FlowRecordJson"/>).</summary>
    public string Flows { get; init; } = "WATCHED_EMP_FLOWS";
    /// <summary>
    /// With flows on: the flow stage's checkpoints, its open flows with the input offsets they cover, by which a
    /// partition's flows move to its next owner (key: consumer group and partition; value: <see
    /// cref="FlowStage.FlowCheckpointCodec"/> chunks). Delete retention, never compaction (a checkpoint is several records
    /// under one key).
    /// </summary>
    public string FlowCheckpoints { get; init; } = "WATCHED_EMP_FLOWS_CHECKPOINTS";
    /// <summary>The dashboard's audit trail, when it writes one: who read whose data (key: the user).</summary>
    public string DashboardAudit { get; init; } = "DASHBOARD_AUDIT";

    /// <summary>Topics the service writes to, which must exist before it starts.</summary>
    public IEnumerable<string> Written(bool changelog, bool bindings = false, bool names = false, bool flows = false)
    {
        yield return Output;
        if (flows)
        {
            yield return WatchedPackets;
            yield return Flows;
            yield return FlowCheckpoints;
        }
        if (changelog) yield return Changelog;
        if (bindings) yield return IpMacBindings;
        if (names) yield return IpNames;
        yield return PcapDeadLetters;
        yield return EmployeesDeadLetters;
        yield return ComputersDeadLetters;
    }

    public static TopicNames Default { get; } = new();
}

using System.ComponentModel.DataAnnotations;

namespace PcapWatch.Cli.Configuration;

/// <summary>The settings of the flow stage (docs/flows.md).</summary>
internal sealed partial class PcapWatchSettings
{
    [Setting("--flows", "Also make flow records: every packet a watched MAC sends or receives goes to WATCHED_EMP_PACKETS, and a flow "
        + "stage (consumer group GROUP-flows) turns them into WATCHED_EMP_FLOWS, one record per connection with totals each way "
        + "(docs/flows.md); the matches stay as they are")]
    public bool Flows { get; set; }

    [Setting("--flow-tcp-idle", "With --flows: seconds without a packet after which a TCP flow ends as idle (Zeek's default)")]
    [Range(1, 604_800)]
    public double FlowTcpIdleSeconds { get; set; } = 300;

    [Setting("--flow-udp-idle", "With --flows: seconds without a packet after which a UDP flow ends as idle")]
    [Range(1, 604_800)]
    public double FlowUdpIdleSeconds { get; set; } = 60;

    [Setting("--flow-icmp-idle", "With --flows: seconds without a packet after which an ICMP flow ends as idle")]
    [Range(1, 604_800)]
    public double FlowIcmpIdleSeconds { get; set; } = 60;

    [Setting("--flow-other-idle", "With --flows: seconds without a packet after which a flow of any other IP protocol ends as idle")]
    [Range(1, 604_800)]
    public double FlowOtherIdleSeconds { get; set; } = 60;

    [Setting("--flow-tcp-linger", "With --flows: seconds a TCP flow waits, after both FINs, for the ACK of the last one (which belongs to it)")]
    [Range(0, 3_600)]
    public double FlowTcpLingerSeconds { get; set; } = 2;

    [Setting("--flow-interim", "With --flows: seconds of capture time between interim records of a flow still open (END_REASON active, "
        + "FINAL false, the totals so far); 0 for none")]
    [Range(0, 604_800)]
    public double FlowInterimSeconds { get; set; } = 60;

    [Setting("--flow-grace", "With --flows: seconds a packet may arrive behind the newest capture time of its partition and still be "
        + "ordered into its flow; also how long a partition may stay quiet before its flows move on by wall time")]
    [Range(0, 3_600)]
    public double FlowGraceSeconds { get; set; } = 5;

    [Setting("--flow-max-open", "With --flows: flows one input partition keeps open; past it those idle longest end as evicted (counted)")]
    [Range(100, 100_000_000)]
    public int FlowMaxOpen { get; set; } = 100_000;

    [Setting("--flow-checkpoint-interval", "With --flows: seconds between checkpoints of the open flows with their input offsets (also "
        + "at a rebalance and at shutdown); after a crash the flow records made since are made again, the same ones")]
    [Range(0.1, 3_600)]
    public double FlowCheckpointIntervalSeconds { get; set; } = 5;

}

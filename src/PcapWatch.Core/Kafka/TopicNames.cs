namespace PcapWatch.Kafka;

/// <summary>The topics PcapWatch reads and writes; the defaults are the recipe's names.</summary>
public sealed record TopicNames
{
    public string Employees { get; init; } = "employees";
    public string Computers { get; init; } = "computers";
    public string Pcap { get; init; } = "pcap";
    public string Output { get; init; } = "WATCHED_EMP_NETWORK_TRAFFIC";
    /// <summary>The watched-MAC index as a table topic (key MAC, tombstone on removal); the recipe's intermediate table.</summary>
    public string Changelog { get; init; } = "COMP_WATCH_BY_MACADDR";

    public static TopicNames Default { get; } = new();
}

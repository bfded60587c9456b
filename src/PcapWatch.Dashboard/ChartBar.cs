namespace PcapWatch.Dashboard;

/// <summary>One bar of an employee's chart: a bucket's start and its packets and bytes by protocol.</summary>
public sealed record ChartBar(DateTimeOffset Start, IReadOnlyDictionary<string, (long Packets, long Bytes)> ByProtocol);

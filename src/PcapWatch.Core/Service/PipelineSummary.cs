namespace PcapWatch.Service;

/// <summary>What one run did, for the shutdown line.</summary>
/// <param name="DeadLettered">Records sent to a dead-letter topic (pcap and tables).</param>
/// <param name="DeadLetteredByReason">The same, per reason code.</param>
public sealed record PipelineSummary(long Packets, long Matches, long DeadLettered,
    IReadOnlyDictionary<string, long> DeadLetteredByReason, long EmployeeRows, long ComputerRows, int WatchedMacs, TimeSpan Elapsed);

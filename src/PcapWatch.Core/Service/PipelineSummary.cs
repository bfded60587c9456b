namespace PcapWatch.Service;

/// <summary>What one run did, for the shutdown line.</summary>
public sealed record PipelineSummary(long Packets, long Matches, long BadRecords, long RejectedTableRows,
    long EmployeeRows, long ComputerRows, int WatchedMacs, TimeSpan Elapsed);

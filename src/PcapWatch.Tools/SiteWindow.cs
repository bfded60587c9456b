namespace PcapWatch.Tools;

/// <summary>One row of <see cref="SiteReport"/>: an employee's matches with one name in one tumbling window.</summary>
public sealed record SiteWindow(DateTimeOffset Start, DateTimeOffset End, string EmpId, string? EmpName, string Name,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen, long Packets, long Bytes);

namespace PcapWatch.Tools;

/// <summary>One cell of the report: an employee's packets and bytes of one protocol in one tumbling window.</summary>
public sealed record TrafficWindow(DateTimeOffset Start, DateTimeOffset End, string EmpId, string? EmpName, string Protocol,
    long Packets, long Bytes);

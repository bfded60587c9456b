namespace PcapWatch.Dashboard;

/// <summary>One employee in <c>/api/summary</c>: watched now or not, what their computers did in the window.</summary>
public sealed record EmployeeSummary(string EmpId, string? EmpName, bool Watched, IReadOnlyList<ComputerSummary> Computers,
    long Packets, long Bytes, IReadOnlyDictionary<string, long> Protocols);

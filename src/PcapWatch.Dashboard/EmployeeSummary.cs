namespace PcapWatch.Dashboard;

/// <summary>A watched computer as the page lists it.</summary>
public sealed record ComputerSummary(string Mac, string? CompId);

/// <summary>One employee in <c>/api/summary</c>: watched now or not, what their computers did in the window.</summary>
public sealed record EmployeeSummary(string EmpId, string? EmpName, bool Watched, IReadOnlyList<ComputerSummary> Computers,
    long Packets, long Bytes, IReadOnlyDictionary<string, long> Protocols);

/// <summary><c>/api/summary</c>: the window (event time) and every employee, busiest first.</summary>
public sealed record TrafficSummary(string Window, DateTimeOffset? From, DateTimeOffset? To, long MatchesRead,
    IReadOnlyList<EmployeeSummary> Employees);

/// <summary>One bar of an employee's chart: a bucket's start and its packets and bytes by protocol.</summary>
public sealed record ChartBar(DateTimeOffset Start, IReadOnlyDictionary<string, (long Packets, long Bytes)> ByProtocol);

namespace PcapWatch.Dashboard;

/// <summary><c>/api/summary</c>: the window (event time) and every employee, busiest first.</summary>
public sealed record TrafficSummary(string Window, DateTimeOffset? From, DateTimeOffset? To, long MatchesRead,
    IReadOnlyList<EmployeeSummary> Employees);

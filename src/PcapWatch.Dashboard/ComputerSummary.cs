namespace PcapWatch.Dashboard;

/// <summary>A watched computer as the page lists it.</summary>
public sealed record ComputerSummary(string Mac, string? CompId);

namespace PcapWatch.Tools;

/// <summary>The last matched packet seen for a MAC or an IP address.</summary>
public sealed record Sighting(string Mac, string? Ip, string? EmpId, string? EmpName, DateTimeOffset When);

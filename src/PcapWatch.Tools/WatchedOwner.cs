namespace PcapWatch.Tools;

/// <summary>A watched computer as the index publishes it (COMP_WATCH_BY_MACADDR).</summary>
public sealed record WatchedOwner(string Mac, string? EmpId, string? EmpName, string? EmpKey, string? CompId);

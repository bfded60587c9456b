namespace PcapWatch.Dashboard;

/// <summary>
/// A name an employee visited, as the page's "sites visited" table shows it: the matches in the window, and the first
/// and last match with that name since the page started reading. The name is attacker-written: the page shows it as
/// text.
/// </summary>
public sealed record SiteRow(string Name, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, long Packets, long Bytes);

namespace PcapWatch.Dashboard;

/// <summary>
/// One match as the live feed shows it. Every text field comes from a packet or a table: the page shows it as text.
/// </summary>
public sealed record FeedItem(long Seq, DateTimeOffset Time, string? FrameTime, string? EmpId, string? EmpName, string? Mac, string? Protocols,
    string? IpSrc, string? IpDst, long FrameLen, string? Direction, string? AttributedBy = null, string? Name = null, string? NameSource = null);

namespace PcapWatch.Dashboard;

/// <summary>
/// One live-feed update: new matches newest first, and how many the client missed (it fell behind the ring).
/// </summary>
public sealed record FeedBatch(IReadOnlyList<FeedItem> Items, long Missed, long LastSeq);

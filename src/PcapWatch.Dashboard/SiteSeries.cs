namespace PcapWatch.Dashboard;

/// <summary>One employee's matches with one name (run --names): their first and last time, and their buckets.</summary>
internal sealed class SiteSeries
{
    public long FirstMs { get; private set; } = long.MaxValue;
    public long LastMs { get; private set; } = long.MinValue;
    public ProtocolSeries Buckets { get; } = new();

    public void Add(long timestampMs, long bytes)
    {
        FirstMs = Math.Min(FirstMs, timestampMs);
        LastMs = Math.Max(LastMs, timestampMs);
        Buckets.Add(timestampMs, bytes);
    }
}

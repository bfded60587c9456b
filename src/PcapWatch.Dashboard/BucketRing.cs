namespace PcapWatch.Dashboard;

/// <summary>
/// Packets and bytes in fixed event-time buckets, the newest <c>slots</c> of them, in arrays: memory stays the same
/// however long the dashboard runs. A match older than the ring reaches is left out of it (the ring is a window, not
/// a history); one newer than a slot's bucket takes the slot over.
/// </summary>
internal sealed class BucketRing
{
    private readonly long _widthMs;
    private readonly long[] _bucket;
    private readonly long[] _packets;
    private readonly long[] _bytes;

    public BucketRing(TimeSpan width, int slots)
    {
        _widthMs = (long)width.TotalMilliseconds;
        _bucket = new long[slots];
        Array.Fill(_bucket, long.MinValue);
        _packets = new long[slots];
        _bytes = new long[slots];
    }

    public long WidthMs => _widthMs;

    public int Slots => _bucket.Length;

    public long BucketOf(long timestampMs) => Math.DivRem(timestampMs, _widthMs) is var (q, r) && r < 0 ? q - 1 : q;

    public void Add(long timestampMs, long bytes)
    {
        long bucket = BucketOf(timestampMs);
        int slot = SlotOf(bucket);
        if (_bucket[slot] != bucket)
        {
            if (_bucket[slot] > bucket) return; // older than what the ring keeps
            _bucket[slot] = bucket;
            _packets[slot] = 0;
            _bytes[slot] = 0;
        }
        _packets[slot]++;
        _bytes[slot] += bytes;
    }

    /// <summary>Packets and bytes of one bucket (zero when the ring does not hold it).</summary>
    public (long Packets, long Bytes) At(long bucket)
    {
        int slot = SlotOf(bucket);
        return _bucket[slot] == bucket ? (_packets[slot], _bytes[slot]) : (0, 0);
    }

    private int SlotOf(long bucket) => (int)(((bucket % _bucket.Length) + _bucket.Length) % _bucket.Length);
}

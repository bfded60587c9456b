namespace PcapWatch.Tools;

/// <summary>
/// Tumbling windows over the matches' timestamps: the start of the window any timestamp falls in (floored without
/// wrapping around: the writer chose the timestamp, any value at all), and a window's bounds.
/// </summary>
internal readonly struct TumblingWindows
{
    public TumblingWindows(TimeSpan length) => LengthMs = length > TimeSpan.Zero
        ? (long)length.TotalMilliseconds
        : throw new ArgumentOutOfRangeException(nameof(length), "the window must be positive");

    public long LengthMs { get; }

    public long StartOf(long timestampMs) => UnixTime.SaturatingSubtract(timestampMs, ((timestampMs % LengthMs) + LengthMs) % LengthMs);

    public DateTimeOffset Start(long startMs) => UnixTime.ToDateTimeOffset(startMs);

    public DateTimeOffset End(long startMs) => UnixTime.ToDateTimeOffset(UnixTime.SaturatingAdd(startMs, LengthMs));
}

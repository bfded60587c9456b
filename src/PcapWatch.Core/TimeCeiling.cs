namespace PcapWatch;

/// <summary>
/// The latest time a record may claim for the purpose of moving a retention horizon: the wall clock plus a skew
/// (sensors' clocks run a little ahead). A capture time, a <c>LAST_STATED</c> or a <c>valid_from</c> is written by
/// whoever writes the record; one stamped years ahead would otherwise move a horizon there and make every other binding
/// or row version look expired. Times beyond the ceiling are clamped to it where they would move a horizon, and
/// counted. Owned by one thread (the pipeline's, or a tool's).
/// </summary>
public sealed class TimeCeiling(TimeProvider clock, TimeSpan skew)
{
    /// <summary>The default of the <c>MaxClockSkewMinutes</c> setting.</summary>
    public static readonly TimeSpan DefaultSkew = TimeSpan.FromMinutes(5);

    // The ceiling as last read: the clock is read again only for a time beyond it (rare), so clamping costs a compare.
    private long _ceilingMs = long.MinValue;

    /// <summary>A ceiling on the system clock with the default skew.</summary>
    public TimeCeiling() : this(TimeProvider.System, DefaultSkew)
    {
    }

    /// <summary>Times found beyond the ceiling and clamped to it.</summary>
    public long Clamped { get; private set; }

    /// <summary>The wall clock plus the skew, now (Unix ms).</summary>
    public long CeilingMs => skew == TimeSpan.MaxValue
        ? long.MaxValue
        : UnixTime.SaturatingAdd(clock.GetUtcNow().ToUnixTimeMilliseconds(), UnixTime.Milliseconds(skew));

    /// <summary><paramref name="ms"/>, or the ceiling when it lies beyond it (counted).</summary>
    public long Clamp(long ms)
    {
        if (ms <= _ceilingMs) return ms;
        _ceilingMs = CeilingMs;
        if (ms <= _ceilingMs) return ms;
        Clamped++;
        return _ceilingMs;
    }
}

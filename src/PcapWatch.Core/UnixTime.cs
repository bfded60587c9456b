namespace PcapWatch;

/// <summary>
/// Times as PcapWatch carries them: Unix milliseconds in a <see cref="long"/>, whatever their source says. A Kafka
/// timestamp or a capture time is attacker-controlled and may be any <see cref="long"/> (Kafka 3.9 takes any
/// CreateTime), while <see cref="DateTimeOffset"/> ends at the years 1 and 9999: every conversion for a person goes
/// through here and is clamped, and arithmetic on such times saturates instead of wrapping around.
/// </summary>
public static class UnixTime
{
    /// <summary>0001-01-01T00:00:00Z, the earliest a <see cref="DateTimeOffset"/> can say.</summary>
    public static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

    /// <summary>9999-12-31T23:59:59.999Z, the latest a <see cref="DateTimeOffset"/> can say.</summary>
    public static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>
    /// The time <paramref name="unixMs"/> says, clamped to what a <see cref="DateTimeOffset"/> can hold.
    /// </summary>
    public static DateTimeOffset ToDateTimeOffset(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(unixMs, MinMs, MaxMs));

    /// <summary>
    /// Whether <paramref name="unixMs"/> can be said as a <see cref="DateTimeOffset"/> without clamping.
    /// </summary>
    public static bool IsRepresentable(long unixMs) => unixMs >= MinMs && unixMs <= MaxMs;

    /// <summary>
    /// <paramref name="a"/> + <paramref name="b"/>, held at <see cref="long.MinValue"/> or <see cref="long.MaxValue"/>.
    /// </summary>
    public static long SaturatingAdd(long a, long b)
    {
        long sum = unchecked(a + b);
        // Overflow only when both have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) return a < 0 ? long.MinValue : long.MaxValue;
        return sum;
    }

    /// <summary>
    /// <paramref name="a"/> − <paramref name="b"/>, held at <see cref="long.MinValue"/> or <see cref="long.MaxValue"/>.
    /// </summary>
    public static long SaturatingSubtract(long a, long b)
    {
        long difference = unchecked(a - b);
        if (((a ^ b) & (a ^ difference)) < 0) return a < 0 ? long.MinValue : long.MaxValue;
        return difference;
    }

    /// <summary>
    /// Milliseconds of <paramref name="span"/>, <see cref="long.MaxValue"/> for <see cref="TimeSpan.MaxValue"/>.
    /// </summary>
    public static long Milliseconds(TimeSpan span) => span == TimeSpan.MaxValue ? long.MaxValue : (long)span.TotalMilliseconds;
}

using System.Numerics;
using CsCheck;
using NUnit.Framework;

namespace PcapWatch.Tests;

/// <summary>
/// A Kafka or capture timestamp may be any long: every conversion for a person clamps instead of throwing, and
/// arithmetic on such times saturates instead of wrapping round to the other end of time.
/// </summary>
public class UnixTimeTests
{
    private static readonly Gen<long> AnyTime = Gen.OneOf(Gen.Long, Gen.OneOf(long.MinValue, long.MaxValue, -1L, 0L,
        UnixTime.MaxMs, UnixTime.MaxMs + 1, UnixTime.MinMs, UnixTime.MinMs - 1, 253_402_300_800_000L));

    [Test]
    public void Any_long_becomes_a_date_clamped_to_what_a_date_can_say_and_keeps_its_order()
    {
        Gen.Select(AnyTime, AnyTime).Sample((a, b) =>
        {
            var (da, db) = (UnixTime.ToDateTimeOffset(a), UnixTime.ToDateTimeOffset(b));
            if (UnixTime.IsRepresentable(a)) Assert.That(da.ToUnixTimeMilliseconds(), Is.EqualTo(a));
            else Assert.That(da, Is.EqualTo(a > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(UnixTime.MaxMs) : DateTimeOffset.MinValue));
            if (a <= b) Assert.That(da, Is.LessThanOrEqualTo(db));
        });
    }

    [Test]
    public void Saturating_arithmetic_equals_exact_arithmetic_held_to_the_range_of_a_long()
    {
        static long Held(BigInteger exact) => exact > long.MaxValue ? long.MaxValue : exact < long.MinValue ? long.MinValue : (long)exact;
        Gen.Select(AnyTime, AnyTime).Sample((a, b) =>
        {
            Assert.That(UnixTime.SaturatingAdd(a, b), Is.EqualTo(Held((BigInteger)a + b)));
            Assert.That(UnixTime.SaturatingSubtract(a, b), Is.EqualTo(Held((BigInteger)a - b)));
        });
    }
}

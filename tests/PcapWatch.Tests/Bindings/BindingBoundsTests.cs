using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Bindings;

/// <summary>
/// Bounded bindings: what a flood of claims, a MAC claiming everything, and a time stamped years ahead can cost — and
/// that each costs no more than its cap while the genuine bindings stay.
/// </summary>
public class BindingBoundsTests
{
    private static readonly MacAddress Alice = new(0x025057000102), Flooder = new(0x0250570000EE);
    private static readonly long Minute = 60_000;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static long NowMs => Now.ToUnixTimeMilliseconds();

    private static IpAddressKey V6(long n) => new((UInt128)0xFD77_0000_0000_0000UL << 64 | (UInt128)(ulong)n);
    private static BindingEvidence Na(MacAddress mac, IpAddressKey address) => new(BindingSource.NeighborAdvertisement, mac, address, null);

    private static bool Claims(IpBindings b, IpAddressKey address, long at, MacAddress mac)
    {
        foreach (var claim in b.ClaimsAt(address, at)) if (claim.Mac == mac) return true;
        return false;
    }

    [Test]
    public void A_mac_claiming_more_addresses_a_minute_than_the_limit_is_flagged_and_not_believed_while_others_are()
    {
        var b = new IpBindings { ClaimsPerMinute = 16 };
        b.Learn(Na(Alice, V6(1)), NowMs);
        for (int i = 0; i < 1_000; i++) b.Learn(Na(Flooder, V6(1_000 + i)), NowMs + i);
        Assert.That(b.AddressCount, Is.EqualTo(1 + 16), "Alice's and the flooder's first sixteen");
        Assert.That(b.FlaggedMacs, Is.EqualTo(1));
        Assert.That(b.RefusedOverRate, Is.EqualTo(1_000 - 16));

        b.Learn(Na(Alice, V6(2)), NowMs + 2_000);
        Assert.That(Claims(b, V6(2), NowMs + 2_000, Alice), Is.True, "another MAC is not held back by the flooder");
        var later = NowMs + (long)ClaimRate.FlagFor.TotalMilliseconds + Minute;
        b.Learn(Na(Flooder, V6(5_000)), later);
        Assert.That(Claims(b, V6(5_000), later, Flooder), Is.True, "believed again once its flag has run out");
    }

    [Test]
    public void A_flood_of_new_addresses_from_many_macs_stays_within_the_address_cap_and_keeps_the_recent_bindings()
    {
        var b = new IpBindings { MaxAddresses = 1_024 };
        b.Learn(Na(Alice, V6(1)), NowMs);
        for (int i = 0; i < 20_000; i++) b.Learn(Na(new MacAddress(0x0A0000000000 + i), V6(10_000 + i)), NowMs + 1 + i / 100);
        Assert.That(b.AddressCount, Is.LessThanOrEqualTo(1_024));
        Assert.That(b.Evicted, Is.GreaterThanOrEqualTo(20_001 - 1_024));
        Assert.That(Claims(b, V6(10_000 + 19_999), NowMs + 200, new MacAddress(0x0A0000000000 + 19_999)), Is.True, "the newest stays");
    }

    [Test]
    public void Addresses_seen_once_are_swept_when_their_bindings_have_expired_past_the_retention()
    {
        var b = new IpBindings { Retention = TimeSpan.FromHours(1) };
        for (int i = 0; i < 1_000; i++) b.Learn(Na(new MacAddress(0x0A0000000000 + i), V6(i)), NowMs);
        Assert.That(b.AddressCount, Is.EqualTo(1_000));
        long later = NowMs + 3 * 3_600_000;
        for (int i = 0; i < 200; i++) b.Learn(Na(Alice, V6(50_000)), later + i * 1_000);
        Assert.That(b.AddressCount, Is.EqualTo(1), "only Alice's address, stated within the retention, is left");
    }

    [Test]
    public void Restatements_are_published_only_when_they_extend_a_binding_by_more_than_half_its_lifetime()
    {
        var b = new IpBindings();
        var outcomes = new List<LearnOutcome>();
        // Periodic ARP every second for an hour: one new claim, then an extension every ten minutes (half of twenty).
        for (int s = 0; s < 3_600; s++) outcomes.Add(b.Learn(new BindingEvidence(BindingSource.Arp, Alice, V6(1), null), NowMs + s * 1_000L).Outcome);
        Assert.That(outcomes.Count(o => o == LearnOutcome.Added), Is.EqualTo(1));
        Assert.That(outcomes.Count(o => o == LearnOutcome.Extended), Is.InRange(5, 6), "one per ten minutes of restatements");
        Assert.That(outcomes.Count(o => o.Equals(LearnOutcome.Restated) || o.Equals(LearnOutcome.Known)), Is.EqualTo(3_600 - 1 - outcomes.Count(o => o == LearnOutcome.Extended)));
    }

    [Test]
    public void A_dhcp_renewal_at_half_its_lease_is_told_so_other_instances_never_see_the_lease_end_early()
    {
        var b = new IpBindings();
        var ack = new BindingEvidence(BindingSource.DhcpAck, Alice, IpAddressKey.FromIPv4(0xC0A80A66), 3_600);
        Assert.That(b.Learn(ack, NowMs).Outcome, Is.EqualTo(LearnOutcome.Added));
        Assert.That(b.Learn(ack, NowMs + 1_800_000).Outcome, Is.EqualTo(LearnOutcome.Extended), "the renewal at T/2 (RFC 2131)");
        Assert.That(b.Learn(ack, NowMs + 1_801_000).Outcome, Is.EqualTo(LearnOutcome.Restated), "a second later: nothing new to tell");
    }

    [Test]
    public void A_statement_stamped_years_ahead_moves_no_horizon_and_is_clamped_and_counted()
    {
        var clock = new FakeTimeProvider(Now);
        var b = new IpBindings { Retention = TimeSpan.FromDays(7), Ceiling = new TimeCeiling(clock, TimeSpan.FromMinutes(5)) };
        b.Learn(Na(Alice, V6(1)), NowMs);
        var year10000 = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() + 86_400_000L * 2;
        b.Learn(Na(Flooder, V6(2)), year10000);
        Assert.That(b.Ceiling.Clamped, Is.EqualTo(1));
        Assert.That(b.NewestMs, Is.EqualTo(NowMs + 5 * Minute), "the newest evidence is the ceiling, not the year 10000");

        b.Learn(Na(Alice, V6(3)), NowMs + Minute);
        Assert.That(Claims(b, V6(3), NowMs + Minute, Alice), Is.True, "a binding of now is still stored");
        Assert.That(Claims(b, V6(1), NowMs + Minute, Alice), Is.True, "and the one before is still held");
    }

    [Test]
    public void A_binding_adopted_with_a_last_stated_years_ahead_moves_no_horizon()
    {
        var clock = new FakeTimeProvider(Now);
        var b = new IpBindings { Ceiling = new TimeCeiling(clock, TimeSpan.FromMinutes(5)) };
        b.Learn(Na(Alice, V6(1)), NowMs);
        b.Adopt(V6(2), new IpBindings.Interval(Flooder, NowMs, NowMs + Minute, BindingSource.Arp, long.MaxValue / 2));
        Assert.That(b.Ceiling.Clamped, Is.EqualTo(1));
        b.Learn(Na(Alice, V6(3)), NowMs + Minute);
        Assert.That(Claims(b, V6(3), NowMs + Minute, Alice), Is.True);
        Assert.That(Claims(b, V6(1), NowMs + Minute, Alice), Is.True);
    }
}

using CsCheck;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Bindings;

public class IpBindingsTests
{
    private static readonly MacAddress A = new(0x025057000102), B = new(0x025057000103);
    private static readonly IpAddressKey Ip = IpAddressKey.FromIPv4(0xC0A80A66);

    private static BindingEvidence Ack(MacAddress mac, uint lease = 120) => new(BindingSource.DhcpAck, mac, Ip, lease);
    private static BindingEvidence Release(MacAddress mac) => new(BindingSource.DhcpRelease, mac, Ip, null);
    private static BindingEvidence Arp(MacAddress mac) => new(BindingSource.Arp, mac, Ip, null);

    private static MacAddress? HolderAt(IpBindings b, long ms) => b.TryGetHolder(Ip, ms, out var mac) ? mac : null;

    private static List<MacAddress> ClaimantsAt(IpBindings b, long? ms)
    {
        var macs = new List<MacAddress>();
        foreach (var claim in b.ClaimsAt(Ip, ms)) macs.Add(claim.Mac);
        return macs;
    }

    private static readonly long Neighbor = (long)IpBindings.NeighborLifetime.TotalMilliseconds;

    [Test]
    public void A_lease_binds_from_its_ack_to_its_end_and_a_release_ends_it_early()
    {
        var b = new IpBindings();
        b.Learn(Ack(A, lease: 120), 10_000);
        Assert.That(HolderAt(b, 9_999), Is.Null, "before the ACK");
        Assert.That(HolderAt(b, 10_000), Is.EqualTo(A));
        Assert.That(HolderAt(b, 129_999), Is.EqualTo(A));
        Assert.That(HolderAt(b, 130_000), Is.Null, "the lease ran out");

        b.Learn(Release(A), 50_000);
        Assert.That(HolderAt(b, 49_999), Is.EqualTo(A));
        Assert.That(HolderAt(b, 50_000), Is.Null, "released");
        Assert.That(HolderAt(b, 20_000), Is.EqualTo(A), "the past stays as it was");
    }

    [Test]
    public void A_lease_binds_for_at_most_the_cap_whatever_the_ack_grants()
    {
        const long day = 86_400_000, t = 1_000_000;
        var infinite = new IpBindings();
        infinite.Learn(Ack(A, lease: uint.MaxValue), t); // "infinite", as one forged ACK can say
        Assert.That(HolderAt(infinite, t + day - 1), Is.EqualTo(A));
        Assert.That(HolderAt(infinite, t + day), Is.Null, "a day by default, not for ever");

        var capped = new IpBindings { MaxLease = TimeSpan.FromHours(1) };
        capped.Learn(Ack(A, lease: 7_200), t);
        Assert.That(HolderAt(capped, t + 3_600_000 - 1), Is.EqualTo(A));
        Assert.That(HolderAt(capped, t + 3_600_000), Is.Null, "two hours granted, one kept");

        var shorter = new IpBindings { MaxLease = TimeSpan.FromHours(1) };
        shorter.Learn(Ack(A, lease: 600), t);
        Assert.That(HolderAt(shorter, t + 600_000), Is.Null, "a lease under the cap keeps its own end");
    }

    [Test]
    public void A_release_ends_the_statements_of_its_own_millisecond_whichever_is_read_first()
    {
        var releaseFirst = new IpBindings();
        releaseFirst.Learn(Ack(A), 0);
        releaseFirst.Learn(Release(A), 10_000);
        releaseFirst.Learn(Ack(A), 10_000);
        var leaseFirst = new IpBindings();
        leaseFirst.Learn(Ack(A), 0);
        leaseFirst.Learn(Ack(A), 10_000);
        leaseFirst.Learn(Release(A), 10_000);
        foreach (var b in new[] { releaseFirst, leaseFirst })
        {
            Assert.That(HolderAt(b, 9_999), Is.EqualTo(A));
            Assert.That(HolderAt(b, 10_000), Is.Null, "the release ends the lease of its own millisecond too");
            Assert.That(b.IntervalsOf(Ip).Count(x => x.UntilMs > x.FromMs), Is.EqualTo(1), "no empty interval kept");
        }
    }

    [TestCase(BindingSource.DhcpAck, BindingSource.DhcpAck)]
    [TestCase(BindingSource.Arp, BindingSource.DhcpAck)]
    [TestCase(BindingSource.DhcpAck, BindingSource.Arp)]
    [TestCase(BindingSource.Arp, BindingSource.Arp)]
    public void Two_macs_claiming_an_address_at_once_are_both_claimants_whatever_the_order_and_their_values(BindingSource a, BindingSource b)
    {
        BindingEvidence Of(BindingSource source, MacAddress mac) => source == BindingSource.Arp ? Arp(mac) : Ack(mac, 60);
        // The attacker picks its MAC: the larger and the smaller of the pair must come out alike.
        foreach (var (first, second) in new[] { (A, B), (B, A) })
        {
            var both = new[] { (Of(a, first), 5_000L), (Of(b, second), 5_000L) };
            foreach (var order in new[] { both, both.Reverse().ToArray(), both.Concat(both.Reverse()).ToArray() })
            {
                var bindings = new IpBindings();
                foreach (var (e, at) in order) bindings.Learn(e, at);
                Assert.That(ClaimantsAt(bindings, 4_999), Is.Empty);
                Assert.That(ClaimantsAt(bindings, 5_000), Is.EquivalentTo(new[] { A, B }), "no rule picks one");
                Assert.That(bindings.ClaimsAt(Ip, 5_000).Contested, Is.True);
                Assert.That(bindings.TryGetHolder(Ip, 5_000, out _), Is.False, "a contested address has no single holder");
                Assert.That(bindings.Conflicts, Is.EqualTo(1), "one conflict, however often it is read");
            }
        }
    }

    [Test]
    public void A_claim_of_another_mac_while_the_first_runs_contests_the_address_for_the_overlap_whichever_is_read_first()
    {
        var ack = (Ack(A, lease: 3600), 0L);
        var arp = (Arp(B), 100_000L);
        foreach (var order in new[] { new[] { ack, arp }, new[] { arp, ack } })
        {
            var b = new IpBindings();
            foreach (var (e, at) in order) b.Learn(e, at);
            Assert.That(ClaimantsAt(b, 99_999), Is.EqualTo(new[] { A }));
            Assert.That(ClaimantsAt(b, 100_000), Is.EquivalentTo(new[] { A, B }), "B speaking last does not take the address");
            Assert.That(ClaimantsAt(b, 100_000 + Neighbor - 1), Is.EquivalentTo(new[] { A, B }));
            Assert.That(ClaimantsAt(b, 100_000 + Neighbor), Is.EqualTo(new[] { A }), "B's sighting ended; A's lease runs on");
            Assert.That(b.Conflicts, Is.EqualTo(1));
        }
    }

    [Test]
    public void A_renewal_extends_the_holders_interval_instead_of_adding_one()
    {
        var b = new IpBindings();
        b.Learn(Ack(A), 0);
        b.Learn(Ack(A), 60_000);
        for (int i = 0; i < 100; i++) b.Learn(Arp(A), 61_000 + i);
        Assert.That(b.IntervalsOf(Ip), Has.Count.EqualTo(1));
        Assert.That(b.IntervalsOf(Ip)[0].UntilMs, Is.EqualTo(61_099 + (long)IpBindings.NeighborLifetime.TotalMilliseconds));
    }

    [Test]
    public void Without_a_capture_time_a_packet_is_judged_at_the_newest_evidence()
    {
        var b = new IpBindings();
        b.Learn(Ack(A, lease: 1), 0);
        b.Learn(Arp(B), 5_000);
        Assert.That(ClaimantsAt(b, null), Is.EqualTo(new[] { B }), "at 5 s, when A's one-second lease had ended");
    }

    [Test]
    public void Memory_stays_bounded_when_an_address_changes_hands_all_the_time()
    {
        var b = new IpBindings();
        for (int i = 0; i < 10_000; i++) b.Learn(Arp(i % 2 == 0 ? A : B), i * 1_000L);
        for (int i = 0; i < 10_000; i++) b.Learn(Arp(i % 2 == 0 ? A : B), 100_000_000 + i * 2_000_000L); // apart: a new interval each
        Assert.That(b.IntervalsOf(Ip), Has.Count.LessThanOrEqualTo(IpBindings.MaxIntervalsPerAddress));
        Assert.That(ClaimantsAt(b, 100_000_000 + 9_999 * 2_000_000L), Is.EqualTo(new[] { B }), "the newest is kept");
    }

    [Test]
    public void Intervals_older_than_the_retention_are_forgotten()
    {
        var b = new IpBindings { Retention = TimeSpan.FromHours(1) };
        b.Learn(Ack(A, lease: 60), 0);
        b.Learn(new BindingEvidence(BindingSource.Arp, B, IpAddressKey.FromIPv4(1), null), (long)TimeSpan.FromHours(3).TotalMilliseconds);
        b.Learn(Ack(B, lease: 60), (long)TimeSpan.FromHours(3).TotalMilliseconds);
        Assert.That(b.IntervalsOf(Ip).Select(x => x.Mac), Is.EqualTo(new[] { B }));
    }

    [Test]
    public void Evidence_arriving_late_inside_another_macs_run_contests_the_address_from_its_own_time()
    {
        var b = new IpBindings();
        b.Learn(Arp(B), 200_000);
        b.Learn(Arp(B), 500_000);      // joined with the first: one claim, from 200 s to 500 s + 20 min
        b.Learn(Arp(A), 300_000);      // captured in between, delivered last
        Assert.That(ClaimantsAt(b, 250_000), Is.EqualTo(new[] { B }));
        Assert.That(ClaimantsAt(b, 300_000), Is.EquivalentTo(new[] { A, B }));
        Assert.That(ClaimantsAt(b, 300_000 + Neighbor), Is.EqualTo(new[] { B }), "A's sighting ended, B's last one runs on");
        Assert.That(ClaimantsAt(b, 500_000 + Neighbor), Is.Empty);
    }

    /// <summary>
    /// Delivered in capture order, any mix of ACKs (long and short leases), ARP and releases from two MACs gives the
    /// rule's answer at every moment: the MACs with a statement running at T (from its time to its lease or neighbour
    /// lifetime, cut by its MAC's release) — computed here from the raw statements.
    /// </summary>
    [Test]
    public void In_capture_order_the_claimants_are_the_macs_with_a_running_statement_at_every_moment()
    {
        Statements.Sample(list =>
        {
            var ordered = list.OrderBy(x => x.At).ToList();
            var bindings = new IpBindings();
            foreach (var (e, at) in ordered) bindings.Learn(e, at);
            for (long t = 0; t < 2_000_000; t += 1_000)
            {
                if (!ClaimantsAt(bindings, t).ToHashSet().SetEquals(Reference(ordered, t))) return false;
            }
            return true;
        }, iter: 20_000, print: Print);
    }

    /// <summary>
    /// At-least-once delivery reads evidence again (a rebalance, a restart before a commit, a replayed capture): learning
    /// the same evidence a second time, in capture order again, changes no answer; a release read before a statement
    /// captured earlier still ends it.
    /// </summary>
    [Test]
    public void Learning_the_same_evidence_again_changes_no_answer()
    {
        Statements.Sample(list =>
        {
            var ordered = list.OrderBy(x => x.At).ToList();
            var bindings = new IpBindings();
            foreach (var (e, at) in ordered) bindings.Learn(e, at);
            foreach (var (e, at) in ordered) bindings.Learn(e, at);
            for (long t = 0; t < 2_000_000; t += 1_000)
            {
                if (!ClaimantsAt(bindings, t).ToHashSet().SetEquals(Reference(ordered, t))) return false;
            }
            return true;
        }, iter: 20_000, print: Print);
    }

    /// <summary>
    /// Without releases, the order evidence arrives in (other partitions, other instances, replays) changes no answer:
    /// a MAC's claims are the union of its statements, and no rule between MACs depends on who was read last.
    /// </summary>
    [Test]
    public void Without_releases_any_arrival_order_gives_the_answer_of_capture_order()
    {
        Gen.Select(Statements, Gen.Int).Sample((list, seed) =>
        {
            var statements = list.Where(x => x.Evidence.Source != BindingSource.DhcpRelease).ToList();
            var shuffled = statements.OrderBy(_ => new Random(seed).Next()).ToList();
            var bindings = new IpBindings();
            foreach (var (e, at) in shuffled) bindings.Learn(e, at);
            for (long t = 0; t < 2_000_000; t += 1_000)
            {
                if (!ClaimantsAt(bindings, t).ToHashSet().SetEquals(Reference(statements, t))) return false;
            }
            return true;
        }, iter: 5_000, print: x => Print(x.Item1));
    }

    /// <summary>
    /// 1 to 14 statements about one address by two MACs: ACKs (long and short leases), releases and ARP; half of the
    /// times on a coarse grid, so one MAC's statements of one millisecond come up often (a release and a lease). The
    /// two MACs never share a millisecond: that conflict has its own test.
    /// </summary>
    private static readonly Gen<List<(BindingEvidence Evidence, long At)>> Statements =
        Gen.Select(Gen.Bool, Gen.Int[0, 4], Gen.OneOf(Gen.Long[0, 300_000], Gen.Long[0, 40].Select(x => x * 7_500)))
            .Select((isA, kind, half) => (isA, kind, at: half * 2 + (isA ? 0 : 1))).Select((isA, kind, at) => (Evidence: kind switch
            {
                0 => Ack(isA ? A : B, 120),
                1 => Ack(isA ? A : B, 30),
                2 => Release(isA ? A : B),
                _ => Arp(isA ? A : B),
            }, At: at)).List[1, 14];

    private static string Print(List<(BindingEvidence Evidence, long At)> list) =>
        string.Join("; ", list.OrderBy(x => x.At).Select(x => $"{x.Evidence.Source} {x.Evidence.Mac} @{x.At}" + (x.Evidence.LeaseSeconds is { } lease ? $" lease {lease}" : "")));

    /// <summary>The rule over raw statements: each runs from its time for its lifetime, cut by its MAC's next release.</summary>
    private static HashSet<MacAddress> Reference(List<(BindingEvidence Evidence, long At)> statements, long t)
    {
        var claimants = new HashSet<MacAddress>();
        foreach (var (e, at) in statements)
        {
            if (e.Source == BindingSource.DhcpRelease || at > t) continue;
            long until = at + (e.Source == BindingSource.DhcpAck ? e.LeaseSeconds!.Value * 1000L : Neighbor);
            // A release by the same MAC ends every statement of it made up to the release, its own millisecond
            // included (whichever of the two was read first).
            foreach (var (r, rAt) in statements)
            {
                if (r.Source == BindingSource.DhcpRelease && r.Mac == e.Mac && rAt >= at && rAt < until) until = rAt;
            }
            if (t < until) claimants.Add(e.Mac);
        }
        return claimants;
    }
}

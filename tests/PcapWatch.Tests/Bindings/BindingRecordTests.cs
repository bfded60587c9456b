using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Bindings;

public class BindingRecordTests
{
    [Test]
    public void Any_interval_reads_back_as_it_was_published()
    {
        var address = Gen.OneOf(Gen.UInt.Select(IpAddressKey.FromIPv4), Gen.Select(Gen.ULong, Gen.ULong, (hi, lo) => new IpAddressKey(new UInt128(hi, lo))));
        var interval = Gen.Select(Gen.Long[0, 0xFFFF_FFFF_FFFF], Gen.Long[0, 4_000_000_000_000], Gen.Long[0, 1_000_000], Gen.Bool,
            Gen.OneOf(Gen.Const(BindingSource.DhcpAck), Gen.Const(BindingSource.Arp), Gen.Const(BindingSource.NeighborAdvertisement)))
            .Select((mac, from, length, infinite, source) =>
                new IpBindings.Interval(new MacAddress(mac), from, infinite ? long.MaxValue : from + length, source, from + length / 2));
        Gen.Select(address, interval).Sample((a, i) =>
            BindingRecord.TryDecode(BindingRecord.Encode(a, i), out var readAddress, out var readInterval, out _)
            && readAddress == a && readInterval == i && Encoding.ASCII.GetString(BindingRecord.Key(a)) == a.ToString());
    }

    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("""{"ADDRESS":"10.0.0.1","MACADDR":"nope","VALID_FROM":1}""")]
    [TestCase("""{"ADDRESS":"10.0.0.1.5","MACADDR":"02:00:00:00:00:01","VALID_FROM":1}""")]
    [TestCase("""{"ADDRESS":"10.0.0.1","MACADDR":"02:00:00:00:00:01"}""")]
    [TestCase("""{"ADDRESS":"10.0.0.1","MACADDR":"02:00:00:00:00:01","VALID_FROM":5,"VALID_UNTIL":4}""")]
    [TestCase("""{"ADDRESS":7,"MACADDR":"02:00:00:00:00:01","VALID_FROM":5}""")]
    public void Anything_else_is_refused_with_a_reason(string value)
    {
        Assert.That(BindingRecord.TryDecode(Encoding.UTF8.GetBytes(value), out _, out _, out var problem), Is.False);
        Assert.That(problem, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void An_adopted_interval_is_replaced_only_by_a_version_stated_later()
    {
        var ip = IpAddressKey.FromIPv4(0x0A000001);
        var mac = new MacAddress(0x020000000001);
        var bindings = new IpBindings();
        var extended = new IpBindings.Interval(mac, 1_000, 200_000, BindingSource.DhcpAck, 60_000);
        var released = extended with { UntilMs = 90_000, LastStatedMs = 90_000 };
        bindings.Adopt(ip, released);
        bindings.Adopt(ip, extended); // an older version, read later (another partition)
        Assert.That(bindings.IntervalsOf(ip), Is.EqualTo(new[] { released }));
        Assert.That(bindings.TryGetHolder(ip, null, out _), Is.False, "at the newest evidence (the release) nobody holds it");
    }
}

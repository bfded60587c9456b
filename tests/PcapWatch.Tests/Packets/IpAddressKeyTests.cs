using System.Net;
using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Packets;

public class IpAddressKeyTests
{
    [Test]
    public void Any_address_spelled_as_dotnet_spells_it_parses_to_the_same_address()
    {
        var v4 = Gen.UInt.Select(u => new IPAddress(BitConverter.GetBytes(u)));
        // Runs of zero groups, so "::" lands anywhere; some IPv4-mapped and IPv4-compatible forms.
        var v6 = Gen.Select(Gen.UShort, Gen.Int[0, 3], (g, z) => z == 0 ? (ushort)0 : g).Array[8]
            .Select(groups => new IPAddress(groups.SelectMany(g => new[] { (byte)(g >> 8), (byte)g }).ToArray()));
        Gen.OneOf(v4, v6).Sample(address =>
        {
            var text = address.ToString();
            return IpAddressKey.TryParse(Encoding.ASCII.GetBytes(text), out var key) && key.ToIPAddress().Equals(address)
                && key.Equals(IpAddressKey.From(address));
        }, iter: 20_000, print: a => a.ToString());
    }

    [TestCase("192.168.10.102")]
    [TestCase("0.0.0.0")]
    [TestCase("fd00:20::20")]
    [TestCase("::")]
    [TestCase("::ffff:10.0.0.1")]
    [TestCase("1:2:3:4:5:6:7:8")]
    [TestCase("fe80::1:2:3:4:5:6")]
    [TestCase("1::")]
    public void Tsharks_spellings_parse(string text)
    {
        Assert.That(IpAddressKey.TryParse(Encoding.ASCII.GetBytes(text), out var key), Is.True);
        Assert.That(key.ToIPAddress(), Is.EqualTo(IPAddress.Parse(text).IsIPv4MappedToIPv6 ? IPAddress.Parse(text).MapToIPv4() : IPAddress.Parse(text)));
    }

    [TestCase("")]
    [TestCase("192.168.10")]
    [TestCase("192.168.10.256")]
    [TestCase("192.168.010.1")]
    [TestCase("192.168.10.1.")]
    [TestCase("1.2.3.4 ")]
    [TestCase(":::")]
    [TestCase("1::2::3")]
    [TestCase("1:2:3:4:5:6:7:8:9")]
    [TestCase("1:2:3:4:5:6:7")]
    [TestCase("12345::")]
    [TestCase("fe80::1%eth0")]
    [TestCase("02:50:57:00:01:02")]
    [TestCase("g::1")]
    [TestCase("1:")]
    public void Anything_else_does_not(string text) =>
        Assert.That(IpAddressKey.TryParse(Encoding.ASCII.GetBytes(text), out _), Is.False, text);

    [Test]
    public void Unspecified_addresses_are_told_apart()
    {
        Assert.That(IpAddressKey.TryParse("0.0.0.0", out var v4) && v4.IsUnspecified, Is.True);
        Assert.That(IpAddressKey.TryParse("::", out var v6) && v6.IsUnspecified, Is.True);
        Assert.That(IpAddressKey.TryParse("10.0.0.1", out var other) && other.IsUnspecified, Is.False);
    }

    [TestCase("1796090654.760617461", 1796090654760L)]
    [TestCase("1796090654", 1796090654000L)]
    [TestCase("1796090654.7", 1796090654700L)]
    [TestCase("0.000999", 0L)]
    public void Capture_times_read_to_the_millisecond(string text, long ms)
    {
        Assert.That(CaptureTime.TryParseEpochMs(Encoding.ASCII.GetBytes(text), out long parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(ms));
    }

    [TestCase("")]
    [TestCase("-1.5")]
    [TestCase("17960906x4.7")]
    [TestCase("1796090654.")]
    [TestCase("1796090654.7e3")]
    public void Bad_capture_times_are_refused(string text) =>
        Assert.That(CaptureTime.TryParseEpochMs(Encoding.ASCII.GetBytes(text), out _), Is.False);
}

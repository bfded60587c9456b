using NUnit.Framework;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Packets;

public class MacAddressTests
{
    [TestCase("e0:a1:d7:18:c2:72")]
    [TestCase("E0:A1:D7:18:C2:72")]
    [TestCase("e0-a1-d7-18-c2-72")]
    [TestCase("E0-A1-d7-18-c2-72")]
    [TestCase("e0a1.d718.c272")]
    [TestCase("e0a1d718c272")]
    [TestCase(" e0:a1:d7:18:c2:72 ")]
    public void Every_spelling_gives_the_same_48_bit_value(string text)
    {
        Assert.That(MacAddress.TryParse(text, out var mac), Is.True);
        Assert.That(mac.Value, Is.EqualTo(0xe0a1d718c272L));
        Assert.That(mac.ToString(), Is.EqualTo("e0:a1:d7:18:c2:72"));
    }

    [TestCase("")]
    [TestCase(null)]
    [TestCase("e0:a1:d7:18:c2")]
    [TestCase("e0:a1:d7:18:c2:7g")]
    [TestCase("e0:a1-d7:18:c2:72")]
    [TestCase("e0a1d718c27")]
    [TestCase("e0a1.d718:c272")]
    [TestCase("not a mac address")]
    public void Invalid_spellings_are_refused(string? text)
    {
        Assert.That(MacAddress.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Group_bit_marks_broadcast_and_multicast()
    {
        Assert.That(MacAddress.Parse("ff:ff:ff:ff:ff:ff").IsGroup, Is.True);
        Assert.That(MacAddress.Parse("01:00:5e:00:00:01").IsGroup, Is.True);
        Assert.That(MacAddress.Parse("33:33:00:00:00:01").IsGroup, Is.True);
        Assert.That(MacAddress.Parse("02:50:57:00:00:02").IsGroup, Is.False);
    }
}

using System.Text;
using CsCheck;
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

    [TestCase("é")]
    [TestCase("ééééééééééééééééééééééééééééééééé")]
    [TestCase("                                                                      e0:a1:d7:18:c2:72")]
    public void Text_and_its_UTF8_bytes_parse_alike(string text) => AssertAlike(text);

    [Test]
    public void Any_text_parses_as_its_UTF8_bytes_do()
    {
        // Stored rows are parsed from their bytes (a restart), arriving rows from their strings: one answer for both,
        // or a restart would change the index. Near-MACs: hex, separators, padding, case, and any character at all.
        var nearMac = Gen.Select(Gen.OneOf<string>(" ", "\t", "", "  "), Gen.Char["0123456789abcdefABCDEF:-. é\u00a0"].Array[10, 18],
            Gen.OneOf<string>(" ", "", "\t\t")).Select((l, body, r) => l + new string(body) + r);
        Gen.OneOf(nearMac, Gen.String).Sample(AssertAlike, iter: 20_000);
    }

    private static void AssertAlike(string text)
    {
        bool fromText = MacAddress.TryParse(text, out var a);
        bool fromBytes = MacAddress.TryParse(Encoding.UTF8.GetBytes(text), out var b);
        Assert.That((fromText, a), Is.EqualTo((fromBytes, b)), $"'{text}'");
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

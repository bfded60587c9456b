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

    /// <summary>A MAC in one of the spellings people and tools write (colons, dashes, Cisco dots, bare), any case.</summary>
    private static readonly Gen<(long Value, string Text, int Spelling)> Spelled = Gen.Select(Gen.Long[0, 0xFFFF_FFFF_FFFFL], Gen.Int[0, 3], Gen.Bool,
        (value, spelling, upper) =>
        {
            var hex = value.ToString("x12");
            var text = spelling switch
            {
                0 => string.Join(':', Enumerable.Range(0, 6).Select(i => hex.Substring(2 * i, 2))),
                1 => string.Join('-', Enumerable.Range(0, 6).Select(i => hex.Substring(2 * i, 2))),
                2 => string.Join('.', Enumerable.Range(0, 3).Select(i => hex.Substring(4 * i, 4))),
                _ => hex,
            };
            return (value, upper ? text.ToUpperInvariant() : text, spelling);
        });

    [Test]
    public void Every_spelling_of_any_MAC_parses_to_it_from_text_and_from_bytes()
    {
        var seen = new HashSet<int>();
        Gen.Select(Spelled, Gen.OneOf<string>("", " ", "\t"), Gen.OneOf<string>("", "  ", "\t")).Sample((mac, left, right) =>
        {
            var text = left + mac.Text + right;
            Assert.That(MacAddress.TryParse(text, out var parsed) && parsed.Value == mac.Value, Is.True, $"'{text}'");
            AssertAlike(text);
            seen.Add(mac.Spelling);
        }, iter: 5_000);
        Assert.That(seen, Is.EquivalentTo(new[] { 0, 1, 2, 3 }), "every spelling");
    }

    [Test]
    public void Any_text_parses_as_its_UTF8_bytes_do()
    {
        // Stored rows are parsed from their bytes (a restart), arriving rows from their strings: one answer for both,
        // or a restart would change the index. Spellings of MACs with one character changed, inserted or removed, near-MACs
        // of hex and separators, and any text at all; the valid and invalid ones both reached.
        var nearMac = Gen.Select(Gen.OneOf<string>(" ", "\t", "", "  "), Gen.Char["0123456789abcdefABCDEF:-. é\u00a0"].Array[10, 18],
            Gen.OneOf<string>(" ", "", "\t\t")).Select((l, body, r) => l + new string(body) + r);
        var mutated = Gen.Select(Spelled, Gen.Int[0, 2], Gen.Int[0, 16], Gen.Char["0123456789abcdefg:-. é\u00a0x"], (mac, edit, at, c) =>
        {
            int i = Math.Min(at, mac.Text.Length - 1);
            return edit switch
            {
                0 => mac.Text[..i] + c + mac.Text[(i + 1)..],
                1 => mac.Text[..i] + c + mac.Text[i..],
                _ => mac.Text.Remove(i, 1),
            };
        });
        int valid = 0, invalid = 0;
        Gen.OneOf(nearMac, mutated, Spelled.Select(m => m.Text), Gen.String).Sample(text =>
        {
            AssertAlike(text);
            if (MacAddress.TryParse(text, out _)) valid++;
            else invalid++;
        }, iter: 20_000);
        Assert.That(valid, Is.GreaterThan(2_000), "valid spellings reached often");
        Assert.That(invalid, Is.GreaterThan(2_000), "invalid ones too");
    }

    [Test]
    public void Separated_spellings_parse_exactly_when_a_reference_parser_accepts_them()
    {
        // The packet path's table parser against a regular expression and Convert: every 17-character text of hex digits,
        // separators and near misses (one bad character is enough to refuse).
        var pattern = new System.Text.RegularExpressions.Regex("^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\\1[0-9a-fA-F]{2}){4}$");
        int valid = 0;
        Gen.Char["0123456789abcdefABCDEF:-"].Array[17].Select(c => new string(c))
            .Select(Gen.Int[0, 16], Gen.Char["gG.x/@ \u00e9:-0"], (text, at, c) => at % 3 == 0 ? text[..at] + c + text[(at + 1)..] : text)
            .Select(Gen.Bool, Spelled, (text, real, mac) => real && mac.Text.Length == 17 ? mac.Text : text)
            .Sample(text =>
            {
                bool expected = pattern.IsMatch(text);
                bool parsed = MacAddress.TryParse(Encoding.UTF8.GetBytes(text), out var mac);
                if (expected) valid++;
                return parsed == expected && (!expected || mac.Value == Convert.ToInt64(text.Replace(":", "").Replace("-", ""), 16));
            }, iter: 20_000);
        Assert.That(valid, Is.GreaterThan(2_000));
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

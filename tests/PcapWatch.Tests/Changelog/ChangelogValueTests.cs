using CsCheck;
using NUnit.Framework;
using PcapWatch.Changelog;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Changelog;

public class ChangelogValueTests
{
    // Declared first: Text reads it as it is initialised.
    private static readonly string[] Awkward = ["Zoë", "李雷", "tab\there", "quote\"back\\slash", "<script>&amp;", "emoji 😀", "\u0001\u001f", ""];

    // Valid UTF-16 only: text that is not cannot be written as JSON by either path.
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char[' ', '~'], 0, 12],
        Gen.String[Gen.Char.AlphaNumeric, 0, 12],
        Gen.Int[0, Awkward.Length - 1].Select(i => Awkward[i]));

    private static readonly Gen<string?> NullableText = Gen.OneOf(Text.Select(t => (string?)t), Gen.Const((string?)null));

    [Test]
    public void The_value_written_from_the_index_record_is_the_value_written_from_the_owner()
    {
        // The reconcile compares the topic with values written from index records; the live path writes them from
        // owner objects. Any difference would rewrite every unchanged MAC at each restart.
        var owner = Gen.Select(Gen.Long[0, 0xFFFF_FFFF_FFFF], Text, NullableText, Text, NullableText, NullableText,
            (mac, rowKey, compId, empId, empName, empKey) => new WatchedComputer(new MacAddress(mac), rowKey, compId, empId, empName, empKey));
        // Two owners through one writer (samples run on several threads; a writer is one thread's, as in the service).
        Gen.Select(owner, owner).Sample((first, second) =>
        {
            var value = new ChangelogValue();
            foreach (var o in new[] { first, second })
            {
                byte[] fromRecord = [];
                foreach (var view in new OwnerList(OwnerRecord.Encode([o]))) fromRecord = value.Write(o.Mac, view).ToArray();
                Assert.That(System.Text.Encoding.UTF8.GetString(fromRecord), Is.EqualTo(System.Text.Encoding.UTF8.GetString(ChangelogValue.Encode(o))));
            }
        });
    }

    [Test]
    public void The_value_is_the_recipes_comp_watch_row_with_nulls_kept()
    {
        var owner = new WatchedComputer(MacAddress.Parse("E0-A1-D7-18-C2-72"), "c1", null, "100", "Zoë \"Z\"", null);
        Assert.That(System.Text.Encoding.UTF8.GetString(ChangelogValue.Encode(owner)),
            Is.EqualTo("{\"EMP_ID\":\"100\",\"EMP_NAME\":\"Zoë \\\"Z\\\"\",\"EMP_KEY\":null,\"MACADDR\":\"e0:a1:d7:18:c2:72\",\"COMP_ID\":null}"));
    }
}

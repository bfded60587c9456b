using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Tables;

/// <summary>
/// A first load parses table messages straight into their stored form; everything else parses them into rows of
/// strings and encodes those. Both must take and refuse the same messages, for the same reasons, and store the same
/// bytes — whatever the message holds.
/// </summary>
public class StoredChangeParsingTests
{
    private static readonly Gen<string> Name = Gen.OneOf(Gen.Const("key"), Gen.Const("name"), Gen.Const("watch_flag"), Gen.Const("valid_from"),
        Gen.Const("comp_id"), Gen.Const("empkey"), Gen.Const("macaddr"), Gen.Const("other"), Gen.Const("k\\u0065y"));

    // JSON string bodies (as written, escapes included): plain, non-ASCII, escaped, empty, a lone surrogate escape.
    private static readonly Gen<string> StringBody = Gen.OneOf(Gen.Const("YES"), Gen.Const(" yes "), Gen.Const("NO"), Gen.Const(""),
        Gen.Const("Zoë"), Gen.Const("e0:a1:d7:18:c2:72"), Gen.Const("a\\\"b\\\\c\\n"), Gen.Const("\\u00e9t\\u00e9"), Gen.Const("\\ud83d\\ude00"),
        Gen.Const("\\ud800"), Gen.Const("日本"), Gen.String[Gen.Char['a', 'z'], 0, 12]);

    private static readonly Gen<string> FieldValue = Gen.Frequency(
        (6, StringBody.Select(b => $"\"{b}\"")),
        (2, Gen.Int[-5, 100_000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf(Gen.Const("1.5e3"), Gen.Const("true"), Gen.Const("false"), Gen.Const("null"))),
        (1, Gen.OneOf(Gen.Const("{\"a\":1}"), Gen.Const("[1,2]"))));

    private static readonly Gen<byte[]> Value = Gen.Frequency(
        (8, Gen.Select(Name, FieldValue).Array[0, 6].Select(fields =>
            Encoding.UTF8.GetBytes("{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}"))),
        (1, Gen.OneOf(Gen.Const("[]"), Gen.Const("\"text\""), Gen.Const("{\"key\":"), Gen.Const(""), Gen.Const("{} x"), Gen.Const("nul"))
            .Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Const(new byte[] { (byte)'{', (byte)'"', (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' })));

    private static readonly Gen<byte[]?> Key = Gen.Frequency(
        (2, Gen.Const((byte[]?)null)),
        (1, Gen.Const<byte[]?>(Array.Empty<byte>())),
        (4, Gen.OneOf(Gen.Const("100"), Gen.Const("c1"), Gen.Const("Zoë")).Select(k => (byte[]?)Encoding.UTF8.GetBytes(k))),
        (1, Gen.Const<byte[]?>(new byte[] { 0xFF, 0x41 })));

    [Test]
    public void Employees_parse_to_the_bytes_the_rows_of_strings_encode_to()
    {
        var stored = new StoredChange(); // reused, as the loader does
        Gen.Select(Key, Value, Gen.Int[0, 9]).Sample((key, value, tombstone) =>
        {
            bool isTombstone = tombstone == 0;
            var body = isTombstone ? [] : value;
            bool viaStrings = TableRecordParser.TryParseEmployee(key, key is not null, body, isTombstone, out var change, out var stringsRejection);
            bool direct = TableRecordParser.TryParseEmployee(key, key is not null, body, isTombstone, stored, out var directRejection);
            Same(viaStrings, direct, stringsRejection, directRejection, change.RowKey, change.Row is null ? null : RowCodec.EncodeEmployee(change.Row), stored);
        }, iter: 20_000, threads: 1);
    }

    [Test]
    public void Computers_parse_to_the_bytes_the_rows_of_strings_encode_to()
    {
        var stored = new StoredChange(); // reused, as the loader does
        Gen.Select(Key, Value, Gen.Int[0, 9]).Sample((key, value, tombstone) =>
        {
            bool isTombstone = tombstone == 0;
            var body = isTombstone ? [] : value;
            bool viaStrings = TableRecordParser.TryParseComputer(key, key is not null, body, isTombstone, out var change, out var stringsRejection);
            bool direct = TableRecordParser.TryParseComputer(key, key is not null, body, isTombstone, stored, out var directRejection);
            Same(viaStrings, direct, stringsRejection, directRejection, change.RowKey, change.Row is null ? null : RowCodec.EncodeComputer(change.Row), stored);
        }, iter: 20_000, threads: 1);
    }

    private static void Same(bool viaStrings, bool direct, Rejection stringsRejection, Rejection directRejection, string? rowKey, byte[]? row,
        StoredChange stored)
    {
        Assert.That(direct, Is.EqualTo(viaStrings), () => $"strings: {viaStrings} {stringsRejection}; direct: {direct} {directRejection}");
        if (!viaStrings)
        {
            Assert.That(directRejection, Is.EqualTo(stringsRejection));
            return;
        }
        Assert.That(stored.RowKey.ToArray(), Is.EqualTo(Encoding.UTF8.GetBytes(rowKey!)));
        Assert.That(stored.IsDelete, Is.EqualTo(row is null));
        if (row is not null) Assert.That(stored.Row.ToArray(), Is.EqualTo(row));
    }
}

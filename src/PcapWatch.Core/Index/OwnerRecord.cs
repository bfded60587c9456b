using System.Buffers;
using System.Text;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// The bytes the index keeps for one MAC: the owner count, then per owner five columns (computer row key, comp_id,
/// employee key, name, empkey), each as a length + 1 (0 means null) and its UTF-8 bytes. About 50 bytes for a typical
/// owner, against ~850 for the same owner as strings and pre-encoded JSON objects.
/// </summary>
internal static class OwnerRecord
{
    public static byte[] Encode(IReadOnlyList<WatchedComputer> owners)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Add(buffer, owners.Count);
        foreach (var o in owners)
        {
            Column(buffer, o.ComputerRowKey);
            Column(buffer, o.CompId);
            Column(buffer, o.EmpId);
            Column(buffer, o.EmpName);
            Column(buffer, o.EmpKey);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One owner's record written straight from its UTF-8 columns (a restart has them as bytes; making strings of them
    /// to encode them again was a third of its time). The same bytes <see cref="Encode"/> writes for the strings they
    /// decode to, so every column must be valid UTF-8.
    /// </summary>
    public static byte[] EncodeOne(ReadOnlySpan<byte> computerRowKey, Utf8Column compId, Utf8Column empId, Utf8Column empName,
        ReadOnlySpan<byte> empKey)
    {
        int size = VarInt.SizeOf(1) + Size(Utf8Column.Of(computerRowKey)) + Size(compId) + Size(empId) + Size(empName) + Size(Utf8Column.Of(empKey));
        var record = new byte[size];
        var target = record.AsSpan();
        int at = VarInt.Write(target, 1);
        at += Write(target[at..], Utf8Column.Of(computerRowKey));
        at += Write(target[at..], compId);
        at += Write(target[at..], empId);
        at += Write(target[at..], empName);
        Write(target[at..], Utf8Column.Of(empKey));
        return record;
    }

    private static int Size(Utf8Column column) => column.IsNull ? VarInt.SizeOf(0) : VarInt.SizeOf(column.Bytes.Length + 1) + column.Bytes.Length;

    private static int Write(Span<byte> target, Utf8Column column)
    {
        if (column.IsNull) return VarInt.Write(target, 0);
        int at = VarInt.Write(target, column.Bytes.Length + 1);
        column.Bytes.CopyTo(target[at..]);
        return at + column.Bytes.Length;
    }

    private static void Add(ArrayBufferWriter<byte> buffer, int value) =>
        buffer.Advance(VarInt.Write(buffer.GetSpan(5), value));

    private static void Column(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            Add(buffer, 0);
            return;
        }
        int length = Encoding.UTF8.GetByteCount(value);
        Add(buffer, length + 1);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
    }

    public static WatchedComputer[] Decode(MacAddress mac, ReadOnlySpan<byte> record)
    {
        var owners = new OwnerList(record);
        var result = new WatchedComputer[owners.Count];
        int i = 0;
        foreach (var o in owners)
        {
            result[i++] = new WatchedComputer(mac, Text(o.ComputerRowKey, true)!, Text(o.CompId, o.HasCompId),
                Text(o.EmpId, true)!, Text(o.EmpName, o.HasEmpName), Text(o.EmpKey, o.HasEmpKey));
        }
        return result;
    }

    private static string? Text(ReadOnlySpan<byte> utf8, bool present) => present ? Encoding.UTF8.GetString(utf8) : null;
}

using System.Buffers;
using System.Text;
using PcapWatch.Packets;

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

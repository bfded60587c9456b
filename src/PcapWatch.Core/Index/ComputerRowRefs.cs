using System.Buffers.Binary;
using System.Text;

namespace PcapWatch.Index;

/// <summary>
/// What the reverse maps need of each computer row a restart scanned — its row key, employee key and MAC — packed into
/// one growing buffer, no object per row. The maps (a string per row key) are made from it later, off the path to the
/// first packet: with a million rows, making them inside the scan was a third of the restart.
/// Layout per row: flags (1 = has employee key, 2 = has MAC), varint length + row key, [varint length + employee key],
/// [8-byte MAC].
/// </summary>
internal sealed class ComputerRowRefs
{
    private const byte HasEmployee = 1, HasMac = 2;
    private byte[] _buffer = new byte[1 << 16];
    private int _length;

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> rowKey, bool hasEmployee, ReadOnlySpan<byte> empKey, long? mac)
    {
        int needed = 1 + VarInt.SizeOf(rowKey.Length) + rowKey.Length
            + (hasEmployee ? VarInt.SizeOf(empKey.Length) + empKey.Length : 0) + (mac is null ? 0 : 8);
        if (_length + needed > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + needed));
        var target = _buffer.AsSpan(_length);
        target[0] = (byte)((hasEmployee ? HasEmployee : 0) | (mac is null ? 0 : HasMac));
        int at = 1 + VarInt.Write(target[1..], rowKey.Length);
        rowKey.CopyTo(target[at..]);
        at += rowKey.Length;
        if (hasEmployee)
        {
            at += VarInt.Write(target[at..], empKey.Length);
            empKey.CopyTo(target[at..]);
            at += empKey.Length;
        }
        if (mac is { } m)
        {
            BinaryPrimitives.WriteInt64LittleEndian(target[at..], m);
            at += 8;
        }
        _length += at;
        Count++;
    }

    public void Clear()
    {
        _buffer = new byte[1 << 16];
        _length = 0;
        Count = 0;
    }

    /// <summary>The reverse maps: employee key → computer row keys, MAC → computer row keys.</summary>
    public (RowKeyMultiMap<string> ByEmployee, RowKeyMultiMap<long> ByMac) BuildMaps()
    {
        var byEmployee = new RowKeyMultiMap<string>(StringComparer.Ordinal, Count);
        var byMac = new RowKeyMultiMap<long>(null, Count);
        var data = _buffer.AsSpan(0, _length);
        while (!data.IsEmpty)
        {
            byte flags = data[0];
            int length = VarInt.Read(data[1..], out int size);
            data = data[(1 + size)..];
            var rowKey = Encoding.UTF8.GetString(data[..length]);
            data = data[length..];
            if ((flags & HasEmployee) != 0)
            {
                length = VarInt.Read(data, out size);
                byEmployee.Add(Encoding.UTF8.GetString(data.Slice(size, length)), rowKey);
                data = data[(size + length)..];
            }
            if ((flags & HasMac) != 0)
            {
                byMac.Add(BinaryPrimitives.ReadInt64LittleEndian(data), rowKey);
                data = data[8..];
            }
        }
        return (byEmployee, byMac);
    }
}

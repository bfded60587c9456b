using System.Buffers.Binary;
using System.Text;

namespace PcapWatch.Index;

/// <summary>
/// What a restart needs of each computer row it scanned — its row key, employee key, MAC and computer id — packed into
/// one growing buffer, no object per row. The watched owners are resolved from it once the employees are known (the
/// two stores are scanned at the same time), and the reverse maps (a string per row key) are made from it later, off
/// the path to the first packet: with a million rows, making them inside the scan was a third of the restart.
/// Layout per row: flags (1 = has employee key, 2 = has MAC, 4 = has computer id), varint length + row key,
/// [varint length + employee key], [8-byte MAC], [varint length + computer id].
/// </summary>
internal sealed class ComputerRowRefs
{
    private const byte HasEmployee = 1, HasMac = 2, HasCompId = 4;
    private byte[] _buffer = new byte[1 << 16];
    private int _length;

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> rowKey, bool hasEmployee, ReadOnlySpan<byte> empKey, long? mac, bool hasCompId = false,
        ReadOnlySpan<byte> compId = default)
    {
        int needed = 1 + VarInt.SizeOf(rowKey.Length) + rowKey.Length
            + (hasEmployee ? VarInt.SizeOf(empKey.Length) + empKey.Length : 0) + (mac is null ? 0 : 8)
            + (hasCompId ? VarInt.SizeOf(compId.Length) + compId.Length : 0);
        if (_length + needed > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + needed));
        var target = _buffer.AsSpan(_length);
        target[0] = (byte)((hasEmployee ? HasEmployee : 0) | (mac is null ? 0 : HasMac) | (hasCompId ? HasCompId : 0));
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
        if (hasCompId)
        {
            at += VarInt.Write(target[at..], compId.Length);
            compId.CopyTo(target[at..]);
            at += compId.Length;
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
    public ComputerReferences BuildMaps()
    {
        var references = new ComputerReferences(Count);
        foreach (var row in this)
        {
            references.Add(Encoding.UTF8.GetString(row.RowKey), row.HasEmployee ? Encoding.UTF8.GetString(row.EmpKey) : null, row.Mac);
        }
        return references;
    }

    public Enumerator GetEnumerator() => new(_buffer.AsSpan(0, _length));

    /// <summary>One packed row, read in place.</summary>
    public readonly ref struct Row(ReadOnlySpan<byte> rowKey, bool hasEmployee, ReadOnlySpan<byte> empKey, long? mac, bool hasCompId,
        ReadOnlySpan<byte> compId)
    {
        public ReadOnlySpan<byte> RowKey { get; } = rowKey;
        public bool HasEmployee { get; } = hasEmployee;
        public ReadOnlySpan<byte> EmpKey { get; } = empKey;
        public long? Mac { get; } = mac;
        public bool HasCompId { get; } = hasCompId;
        public ReadOnlySpan<byte> CompId { get; } = compId;
    }

    public ref struct Enumerator(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public Row Current { get; private set; }

        public bool MoveNext()
        {
            if (_data.IsEmpty) return false;
            byte flags = _data[0];
            int length = VarInt.Read(_data[1..], out int size);
            _data = _data[(1 + size)..];
            var rowKey = _data[..length];
            _data = _data[length..];
            ReadOnlySpan<byte> empKey = default, compId = default;
            long? mac = null;
            if ((flags & HasEmployee) != 0)
            {
                length = VarInt.Read(_data, out size);
                empKey = _data.Slice(size, length);
                _data = _data[(size + length)..];
            }
            if ((flags & HasMac) != 0)
            {
                mac = BinaryPrimitives.ReadInt64LittleEndian(_data);
                _data = _data[8..];
            }
            if ((flags & HasCompId) != 0)
            {
                length = VarInt.Read(_data, out size);
                compId = _data.Slice(size, length);
                _data = _data[(size + length)..];
            }
            Current = new Row(rowKey, (flags & HasEmployee) != 0, empKey, mac, (flags & HasCompId) != 0, compId);
            return true;
        }
    }
}

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

/// <summary>The owners of one MAC, read in place from the index's arena; valid until the index next changes.</summary>
public readonly ref struct OwnerList
{
    private readonly ReadOnlySpan<byte> _record;

    internal OwnerList(ReadOnlySpan<byte> record)
    {
        _record = record;
        Count = record.IsEmpty ? 0 : VarInt.Read(record, out _);
    }

    public int Count { get; }

    public Enumerator GetEnumerator() => new(_record);

    public ref struct Enumerator
    {
        private ReadOnlySpan<byte> _rest;
        private int _left;

        internal Enumerator(ReadOnlySpan<byte> record)
        {
            if (record.IsEmpty) return;
            _left = VarInt.Read(record, out int size);
            _rest = record[size..];
        }

        public OwnerView Current { get; private set; }

        public bool MoveNext()
        {
            if (_left == 0) return false;
            _left--;
            Current = OwnerView.Read(_rest, out int used);
            _rest = _rest[used..];
            return true;
        }
    }
}

/// <summary>One watched computer's output columns as UTF-8 slices of the index's arena.</summary>
public readonly ref struct OwnerView
{
    private OwnerView(ReadOnlySpan<byte> rowKey, ReadOnlySpan<byte> compId, ReadOnlySpan<byte> empId,
        ReadOnlySpan<byte> empName, ReadOnlySpan<byte> empKey, bool hasCompId, bool hasEmpName, bool hasEmpKey)
    {
        ComputerRowKey = rowKey;
        CompId = compId;
        EmpId = empId;
        EmpName = empName;
        EmpKey = empKey;
        HasCompId = hasCompId;
        HasEmpName = hasEmpName;
        HasEmpKey = hasEmpKey;
    }

    /// <summary>Reads one owner from the front of <paramref name="source"/>; <paramref name="consumed"/> bytes.</summary>
    internal static OwnerView Read(ReadOnlySpan<byte> source, out int consumed)
    {
        int at = 0;
        var rowKey = Column(source, ref at, out _);
        var compId = Column(source, ref at, out bool hasCompId);
        var empId = Column(source, ref at, out _);
        var empName = Column(source, ref at, out bool hasEmpName);
        var empKey = Column(source, ref at, out bool hasEmpKey);
        consumed = at;
        return new OwnerView(rowKey, compId, empId, empName, empKey, hasCompId, hasEmpName, hasEmpKey);
    }

    public ReadOnlySpan<byte> ComputerRowKey { get; }
    public ReadOnlySpan<byte> CompId { get; }
    /// <summary>The employee's key (the recipe's <c>E.KEY AS EMP_ID</c>).</summary>
    public ReadOnlySpan<byte> EmpId { get; }
    public ReadOnlySpan<byte> EmpName { get; }
    /// <summary>The computer's <c>empkey</c> (the recipe's <c>C.EMPKEY AS EMP_KEY</c>).</summary>
    public ReadOnlySpan<byte> EmpKey { get; }
    public bool HasCompId { get; }
    public bool HasEmpName { get; }
    public bool HasEmpKey { get; }

    private static ReadOnlySpan<byte> Column(ReadOnlySpan<byte> source, scoped ref int at, out bool present)
    {
        int lengthPlusOne = VarInt.Read(source[at..], out int size);
        present = lengthPlusOne > 0;
        int length = Math.Max(0, lengthPlusOne - 1);
        var value = source.Slice(at + size, length);
        at += size + length;
        return value;
    }
}

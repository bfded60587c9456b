namespace PcapWatch.Index;

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

    /// <summary>
    /// Reads one owner from the front of <paramref name="source"/>; <paramref name="consumed"/> bytes.
    /// </summary>
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

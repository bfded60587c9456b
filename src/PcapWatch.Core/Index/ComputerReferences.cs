namespace PcapWatch.Index;

/// <summary>
/// The reverse maps over computer rows: which rows name an employee, which have a MAC — who a change of an employee,
/// or of a computer, can affect. Row keys only (the rows stay where they are kept). The present index keeps them over
/// the current rows; the history over every version it keeps.
/// </summary>
internal sealed class ComputerReferences(int capacity = 0)
{
    private readonly RowKeyMultiMap<string> _byEmployee = new(StringComparer.Ordinal, capacity);
    private readonly RowKeyMultiMap<long> _byMac = new(null, capacity);

    /// <summary>Notes that computer row <paramref name="computerKey"/> names <paramref name="empKey"/> and has
    /// <paramref name="mac"/> (null: it has none).</summary>
    public void Add(string computerKey, string? empKey, long? mac)
    {
        if (empKey is not null) _byEmployee.Add(empKey, computerKey);
        if (mac is { } m) _byMac.Add(m, computerKey);
    }

    /// <summary>Forgets what <see cref="Add"/> noted for a row's former version.</summary>
    public void Remove(string computerKey, string? empKey, long? mac)
    {
        if (empKey is not null) _byEmployee.Remove(empKey, computerKey);
        if (mac is { } m) _byMac.Remove(m, computerKey);
    }

    public bool TryGetOfEmployee(string empKey, out IReadOnlyCollection<string> computerKeys) => _byEmployee.TryGet(empKey, out computerKeys);

    public bool TryGetAtMac(long mac, out IReadOnlyCollection<string> computerKeys) => _byMac.TryGet(mac, out computerKeys);
}

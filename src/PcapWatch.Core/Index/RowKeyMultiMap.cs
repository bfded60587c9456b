using System.Runtime.InteropServices;

namespace PcapWatch.Index;

/// <summary>
/// Key → the computer rows that refer to it (an employee's computers, a MAC's computers). Nearly always one row, so one
/// row is kept as the string itself and a set is made only when a second arrives: with a million rows, a set per key
/// was a third of the table side's memory and of its restart time.
/// </summary>
internal sealed class RowKeyMultiMap<TKey>(IEqualityComparer<TKey>? comparer = null, int capacity = 0) where TKey : notnull
{
    private readonly Dictionary<TKey, object> _map = new(capacity, comparer);

    public int Count => _map.Count;

    public void Clear() => _map.Clear();

    public void Add(TKey key, string rowKey)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out bool exists);
        if (!exists)
        {
            slot = rowKey;
            return;
        }
        switch (slot)
        {
            case string one when string.Equals(one, rowKey, StringComparison.Ordinal):
                return;
            case string one:
                slot = new HashSet<string>(StringComparer.Ordinal) { one, rowKey };
                return;
            default:
                ((HashSet<string>)slot!).Add(rowKey);
                return;
        }
    }

    public void Remove(TKey key, string rowKey)
    {
        if (!_map.TryGetValue(key, out var value)) return;
        if (value is string one)
        {
            if (string.Equals(one, rowKey, StringComparison.Ordinal)) _map.Remove(key);
            return;
        }
        var set = (HashSet<string>)value;
        if (!set.Remove(rowKey)) return;
        if (set.Count == 1) _map[key] = set.First();
        else if (set.Count == 0) _map.Remove(key);
    }

    /// <summary>The rows of <paramref name="key"/>; false (and none) when it has none.</summary>
    public bool TryGet(TKey key, out IReadOnlyCollection<string> rowKeys)
    {
        if (!_map.TryGetValue(key, out var value))
        {
            rowKeys = [];
            return false;
        }
        rowKeys = value is string one ? [one] : (HashSet<string>)value;
        return true;
    }
}

using System.Runtime.InteropServices;
using System.Text;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// Who owned each watched MAC when: the tables as versioned tables (each row a list of versions, each valid from its
/// change's time) and, per MAC, the timeline of its watched owners that the recipe's join gives at every moment. What
/// <c>--attribution capture-time</c> attributes packets by: the owners valid at the packet's capture time. As Kafka
/// Streams' versioned stores (KIP-889) do, the current value of a row is the version with the latest valid time, not
/// the one read last: a change arriving late (valid before changes already read) is inserted in the row's past and
/// leaves its present alone. Timelines are never patched: a change names the MACs it can affect and each of those is
/// recomputed from the versions (the join evaluated at every version boundary), so late changes, deletes, flag flips
/// and computers moving between MACs or employees are right by construction, as in <see cref="WatchIndexMaintainer"/>.
/// Bounded: versions replaced longer than <see cref="Retention"/> before the newest change are forgotten (the version
/// in force at that horizon is kept), so memory grows with the rows and the changes within the retention. A packet
/// captured before the horizon is judged as at the horizon (the oldest state kept) and counted
/// (<see cref="JudgedAtHorizon"/>). No valid time past <see cref="Ceiling"/> moves the horizon. Owned by the pipeline thread.
/// </summary>
public sealed class OwnershipHistory : IWatchedMacs
{
    private readonly Dictionary<string, List<RowVersion>> _employees = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RowVersion>> _computers = new(StringComparer.Ordinal);
    // Which computer rows had a MAC, or an employee key, in any version kept: who a change can affect.
    private readonly ComputerReferences _references = new();
    private readonly OwnerTimelines _timelines = new();
    private long _newestMs = long.MinValue;
    private long _horizonMs = long.MinValue;

    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The latest valid time that may move the horizon (a row valid from later still takes effect then, for itself).</summary>
    public TimeCeiling Ceiling { get; init; } = new();

    /// <summary>MACs with a watched owner at some time kept.</summary>
    public int MacCount => _timelines.Count;

    /// <summary>Row versions held (both tables).</summary>
    public long VersionCount { get; private set; }

    /// <summary>Packets captured before the history's horizon, judged as at the horizon.</summary>
    public long JudgedAtHorizon => _timelines.JudgedAtHorizon;

    /// <summary>The valid time of the newest table change (Unix ms; 0 before the first).</summary>
    public long NewestChangeMs => _newestMs == long.MinValue ? 0 : _newestMs;

    /// <summary>Before this capture time nothing is known exactly any more (Unix ms; long.MinValue: nothing forgotten).</summary>
    public long HorizonMs => _horizonMs;

    /// <summary>
    /// Records an employee version valid from <paramref name="fromMs"/>; adds the MACs whose timelines it can change to
    /// <paramref name="affected"/>. True when it is the row's newest version (the current table takes it).
    /// </summary>
    public bool RecordEmployee(string key, byte[]? row, long fromMs, ISet<long> affected)
    {
        bool newest = Insert(_employees, key, row, fromMs);
        if (_references.TryGetOfEmployee(key, out var computers))
        {
            foreach (var computer in computers.ToArray()) AddMacsOf(computer, affected);
        }
        return newest;
    }

    /// <summary>As <see cref="RecordEmployee"/>, for a computer row.</summary>
    public bool RecordComputer(string key, byte[]? row, long fromMs, ISet<long> affected)
    {
        AddMacsOf(key, affected); // the MACs it had, before this version is in
        bool newest = Insert(_computers, key, row, fromMs);
        if (row is not null && NoteReferences(key, row).Mac is { } mac) affected.Add(mac);
        return newest;
    }

    /// <summary>Notes which MAC and employee a computer version names (who a later change can affect).</summary>
    private (long? Mac, string? EmpKey) NoteReferences(string key, byte[] row)
    {
        long? mac = WatchRule.TryGetMac(row, out var address) ? address.Value : null;
        string? empKey = WatchRule.TryGetEmployeeKey(row, out var empKeyBytes) ? EmployeeKeyText(empKeyBytes) : null;
        _references.Add(key, empKey, mac);
        return (mac, empKey);
    }

    /// <summary>Recomputes every MAC in <paramref name="affected"/> and empties it.</summary>
    public void RebuildAll(ISet<long> affected)
    {
        foreach (long mac in affected) Rebuild(mac);
        affected.Clear();
    }

    /// <summary>Recomputes a MAC's timeline from the versions: the join at every boundary of the rows it involves.</summary>
    public void Rebuild(long mac)
    {
        if (!_references.TryGetAtMac(mac, out var keySet) || !MayHaveHadAWatchedOwner(mac, keySet))
        {
            _timelines.Remove(mac);
            return;
        }
        var keys = keySet.Order(StringComparer.Ordinal).ToArray();
        var boundaries = new SortedSet<long>();
        foreach (var key in keys)
        {
            if (!_computers.TryGetValue(key, out var versions)) continue;
            foreach (var v in versions)
            {
                boundaries.Add(v.FromMs);
                if (v.Row is not null && WatchRule.TryGetEmployeeKey(v.Row, out var empKey)
                    && TryGetEmployee(empKey, out _, out var employeeVersions))
                {
                    foreach (var e in employeeVersions) boundaries.Add(e.FromMs);
                }
            }
        }
        var segments = new List<OwnerTimelines.Segment>();
        bool anyOwner = false;
        var owners = new List<WatchedComputer>();
        var macAddress = new MacAddress(mac);
        foreach (long t in boundaries)
        {
            owners.Clear();
            var employees = new EmployeesAt(this, t);
            foreach (var key in keys)
            {
                if (!_computers.TryGetValue(key, out var computerVersions) || RowVersions.At(computerVersions, t) is not { } computer) continue;
                if (!WatchRule.TryGetMac(computer, out var at) || at.Value != mac) continue;
                if (WatchRule.TryGetOwner(macAddress, key, computer, ref employees, out var owner)) owners.Add(owner);
            }
            var record = owners.Count == 0 ? [] : OwnerRecord.Encode(owners);
            if (segments.Count > 0 && segments[^1].Owners.AsSpan().SequenceEqual(record)) continue;
            if (segments.Count == 0 && record.Length == 0) continue;
            segments.Add(new OwnerTimelines.Segment(t, record));
            anyOwner |= record.Length > 0;
        }
        if (anyOwner) _timelines.Set(mac, segments.ToArray());
        else _timelines.Remove(mac);
    }

    /// <summary>The employees as they were at a time.</summary>
    private readonly struct EmployeesAt(OwnershipHistory history, long atMs) : IEmployeeRows
    {
        public byte[]? Find(ReadOnlySpan<byte> empKey, out string? empKeyText)
        {
            bool found = history.TryGetEmployee(empKey, out var key, out var versions);
            empKeyText = found ? key : null;
            return found ? RowVersions.At(versions, atMs) : null;
        }
    }

    /// <summary>
    /// Whether a kept version of a computer at <paramref name="mac"/> names an employee with a watched version. Most
    /// MACs never had a watched owner: they need no timeline, nor the work of making one (a restart rebuilds them all).
    /// </summary>
    private bool MayHaveHadAWatchedOwner(long mac, IReadOnlyCollection<string> computerKeys)
    {
        foreach (var key in computerKeys)
        {
            if (!_computers.TryGetValue(key, out var versions)) continue;
            foreach (var v in versions)
            {
                if (v.Row is null || !WatchRule.TryGetMac(v.Row, out var at) || at.Value != mac) continue;
                if (WatchRule.TryGetEmployeeKey(v.Row, out var empKey) && EverWatched(empKey)) return true;
            }
        }
        return false;
    }

    /// <summary>The employee row with this key (its key string and versions), looked up without making a string.</summary>
    private bool TryGetEmployee(ReadOnlySpan<byte> empKey, out string key, out List<RowVersion> versions)
    {
        int chars = Encoding.UTF8.GetMaxCharCount(empKey.Length);
        Span<char> buffer = chars <= 256 ? stackalloc char[chars] : new char[chars];
        int written = Encoding.UTF8.GetChars(empKey, buffer);
        return _employees.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(buffer[..written], out key!, out versions!);
    }

    /// <summary>An employee key as a string: the employees table's own instance when it has that row (no copy per computer).</summary>
    private string EmployeeKeyText(ReadOnlySpan<byte> empKey) =>
        TryGetEmployee(empKey, out var key, out _) ? key : Encoding.UTF8.GetString(empKey);

    /// <summary>Whether any kept version of the employee with this key is watched.</summary>
    private bool EverWatched(ReadOnlySpan<byte> empKey) => TryGetEmployee(empKey, out _, out var versions) && AnyWatched(versions);

    /// <summary>Whether any of an employee's versions is watched.</summary>
    private static bool AnyWatched(List<RowVersion> employeeVersions)
    {
        foreach (var e in employeeVersions)
        {
            if (e.Row is not null && WatchRule.IsWatched(e.Row)) return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="mac"/> had a watched owner at any time kept (the prefilter's question).</summary>
    public bool Contains(MacAddress mac) => _timelines.Contains(mac);

    /// <summary>The watched owners of <paramref name="mac"/> at <paramref name="atMs"/>, read in place.</summary>
    public bool TryGetOwners(MacAddress mac, long atMs, out OwnerList owners) => _timelines.TryGetOwners(mac, atMs, _horizonMs, out owners);

    /// <summary>The owners of <paramref name="mac"/> at <paramref name="atMs"/> as objects: for tools and tests.</summary>
    public WatchedComputer[] OwnersAt(MacAddress mac, long atMs) => _timelines.OwnersAt(mac, atMs, _horizonMs);

    /// <summary>Each change of a MAC's watched owners: when, and who from then on (empty: nobody watched).</summary>
    public IEnumerable<(long FromMs, WatchedComputer[] Owners)> TimelineOf(MacAddress mac) => _timelines.Of(mac);

    private void AddMacsOf(string computerKey, ISet<long> affected)
    {
        if (!_computers.TryGetValue(computerKey, out var versions)) return;
        foreach (var v in versions)
        {
            if (v.Row is not null && RowCodec.TryGetComputerMac(v.Row, out var mac)) affected.Add(mac.Value);
        }
    }

    private void Advance(long fromMs) => _newestMs = Math.Max(_newestMs, Ceiling.Clamp(fromMs));

    /// <summary>Inserts a version in valid-time order (the same time again replaces it); true when it is the newest.</summary>
    private bool Insert(Dictionary<string, List<RowVersion>> table, string key, byte[]? row, long fromMs)
    {
        Advance(fromMs);
        if (!table.TryGetValue(key, out var versions))
        {
            versions = new List<RowVersion>(1);
            table[key] = versions;
        }
        bool newest = Place(versions, new RowVersion(fromMs, row));
        Forget(table, key, versions);
        return newest;
    }

    /// <summary>Puts a version in its row's list, counting it when the list grew; true when it is the newest.</summary>
    private bool Place(List<RowVersion> versions, RowVersion version)
    {
        bool newest = RowVersions.Place(versions, version, out bool added);
        if (added) VersionCount++;
        return newest;
    }

    /// <summary>Drops a row's versions replaced before the horizon (the one in force at the horizon stays).</summary>
    private void Forget(Dictionary<string, List<RowVersion>> table, string key, List<RowVersion> versions)
    {
        if (Retention == TimeSpan.MaxValue || _newestMs == long.MinValue) return;
        long horizon = UnixTime.SaturatingSubtract(_newestMs, UnixTime.Milliseconds(Retention));
        int dropped = RowVersions.ForgetBefore(versions, horizon);
        bool gone = RowVersions.GoneBefore(versions, horizon);
        if (gone) table.Remove(key);
        if (dropped == 0 && !gone) return;
        VersionCount -= dropped + (gone ? 1 : 0);
        _horizonMs = Math.Max(_horizonMs, horizon);
    }

    /// <summary>Every version, for the checkpoint: table (0 employees, 1 computers), key, version.</summary>
    internal IEnumerable<(int Table, string Key, RowVersion Version)> AllVersions()
    {
        foreach (var (key, versions) in _employees) foreach (var v in versions) yield return (0, key, v);
        foreach (var (key, versions) in _computers) foreach (var v in versions) yield return (1, key, v);
    }

    /// <summary>Takes versions back from a checkpoint and rebuilds every timeline.</summary>
    internal void Restore(IEnumerable<(int Table, string Key, RowVersion Version)> versions, long horizonMs)
    {
        var affected = new HashSet<long>();
        if (_employees.Count > 0 || _computers.Count > 0) RecordEach(versions, affected);
        else TakeAsSaved(versions, affected);
        _horizonMs = Math.Max(_horizonMs, horizonMs);
        RebuildAll(affected);
    }

    /// <summary>Into a history that already holds versions: one by one, by the rules.</summary>
    private void RecordEach(IEnumerable<(int Table, string Key, RowVersion Version)> versions, HashSet<long> affected)
    {
        foreach (var (table, key, v) in versions)
        {
            if (table == 0) RecordEmployee(key, v.Row, v.FromMs, affected);
            else RecordComputer(key, v.Row, v.FromMs, affected);
        }
    }

    /// <summary>
    /// A restart: the saved versions come per row in valid-time order, none forgotten since; they are taken as they
    /// are, and only MACs a watched employee ever owned get a timeline made (a tenth of them, typically).
    /// </summary>
    private void TakeAsSaved(IEnumerable<(int Table, string Key, RowVersion Version)> versions, HashSet<long> affected)
    {
        foreach (var (table, key, v) in versions)
        {
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(table == 0 ? _employees : _computers, key, out _);
            Place(list ??= new List<RowVersion>(1), v);
            Advance(v.FromMs);
        }
        var everWatched = _employees.Where(e => AnyWatched(e.Value)).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, list) in _computers)
        {
            foreach (var v in list)
            {
                if (v.Row is not null && NoteReferences(key, v.Row) is ({ } mac, { } empKey) && everWatched.Contains(empKey)) affected.Add(mac);
            }
        }
    }
}

using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// Applies <c>employees</c> and <c>computers</c> changes to the FASTER stores and keeps the watched-MAC index equal to
/// what a from-scratch join over the current tables gives: { MAC of computer c | employees[c.empkey] is watched }.
/// It never patches the index incrementally: each change names the MACs it can affect, and each of those is
/// recomputed from the stores. That makes retractions (flag YES→NO, deletes, a computer moving to another employee or
/// changing MAC, rows arriving before their employee) correct by construction, for 1:N ownership too.
/// </summary>
public sealed class WatchIndexMaintainer
{
    private readonly ILogger _log;

    private readonly FasterTableStore _employees;
    private readonly FasterTableStore _computers;
    // Secondary indexes over the computers store, derived from it (row keys only; rows stay in FASTER).
    private ComputerReferences _references = new();
    // After a restart the maps are made on another thread while packets already flow; the first table change (or
    // recompute) waits for them.
    private Task<ComputerReferences>? _mapsInTheMaking;
    private readonly HashSet<long> _deferred = new();
    private readonly IndexPublisher _publisher;
    private bool _deferring;
    private bool _loadingIntoEmptyStores;

    public WatchIndexMaintainer(FasterTableStore employees, FasterTableStore computers, IWatchIndexObserver? observer = null,
        ILogger? log = null)
    {
        _log = log ?? NullLogger.Instance;
        _employees = employees;
        _computers = computers;
        _publisher = new IndexPublisher(Index, observer, _log);
    }

    public WatchIndex Index { get; } = new();

    public long EmployeeRows => _employees.Count;
    public long ComputerRows => _computers.Count;

    /// <summary>Computer rows seen with a MAC that does not parse (kept in the table, out of the index).</summary>
    public long InvalidMacRows { get; private set; }

    /// <summary>Times a MAC became claimed by more than one watched computer.</summary>
    public long MacConflicts => _publisher.MacConflicts;

    /// <summary>Computer rows read to recompute index entries (a measure of the maintenance work, for tests).</summary>
    public long RecomputedRows { get; private set; }

    /// <summary>
    /// Until <see cref="Flush"/>, collect the MACs that changes affect instead of recomputing each at once. A MAC
    /// that many rows share (asset databases are full of <c>00:00:00:00:00:00</c>) would otherwise be recomputed
    /// from all its rows on each of their arrivals: quadratic. The loader defers while a batch is applied and
    /// flushes before any packet can see the index.
    /// </summary>
    public void Defer() => _deferring = true;

    /// <summary>
    /// Both stores are empty and whole tables are about to be read (a first load): until the next <see cref="Flush"/>,
    /// changes go to the stores only, and the flush then makes the reverse maps and the index from the stores in one
    /// pass, as a restart does. Keeping the maps up to date row by row, and naming each row's MACs for a recompute,
    /// was a third of a first load's work; none of it can matter before the tables are current.
    /// </summary>
    /// <returns>False (and nothing changes) when a store or the index holds anything.</returns>
    public bool TryLoadIntoEmptyStores()
    {
        // Rows first: a restart's maps, still in the making, are not waited for to learn that.
        if (_employees.Count > 0 || _computers.Count > 0 || Index.Count > 0) return false;
        EnsureMaps();
        _loadingIntoEmptyStores = true;
        Defer();
        return true;
    }

    /// <summary>Recomputes every MAC collected since <see cref="Defer"/>, once each, and stops deferring.</summary>
    public void Flush()
    {
        _deferring = false;
        if (_loadingIntoEmptyStores)
        {
            _loadingIntoEmptyStores = false;
            RebuildFromStores();
            return;
        }
        if (_deferred.Count == 0) return;
        if (ScanIsCheaper(_deferred.Count)) RecomputeByScan(_deferred);
        else foreach (var mac in _deferred) Recompute(new MacAddress(mac));
        _deferred.Clear();
    }

    // A recompute reads a computer row and its employee at random, from disk once the rows outgrow FASTER's memory
    // (~5 µs a MAC with 1 M + 1 M rows); a scan reads both stores in log order (~0.3 µs a row). Many waiting MACs (a
    // large catch-up after a restart) are resolved by a scan.
    private const int RowsScannedPerRecompute = 8;

    /// <summary>
    /// Fewer waiting MACs than this are always recomputed one by one (tests lower it to drive the scan).
    /// </summary>
    internal int MinMacsForScan { get; set; } = 4096;

    private bool ScanIsCheaper(int macs) =>
        macs >= MinMacsForScan && (long)macs * RowsScannedPerRecompute >= _employees.Count + _computers.Count;

    /// <summary>
    /// <see cref="Recompute"/> for many MACs at once, by scanning the stores as a restart does: who is watched, then
    /// the computer rows with these MACs. The same answer (a from-scratch join over the current rows), in log order.
    /// </summary>
    private void RecomputeByScan(IReadOnlySet<long> macs)
    {
        EnsureMaps();
        var rebuild = new IndexRebuild(macs);
        _employees.ForEachRow(rebuild.OnEmployee);
        _computers.ForEachRow(rebuild.OnComputer);
        RecomputedRows += rebuild.RowsWithMac;
        foreach (var mac in macs)
        {
            if (rebuild.SingleOwners.TryGetValue(mac, out var record)) _publisher.Publish(new MacAddress(mac), record);
            else _publisher.Publish(new MacAddress(mac), rebuild.Owners.GetValueOrDefault(mac) ?? []);
        }
    }

    private void Affect(long mac)
    {
        if (_deferring) _deferred.Add(mac);
        else Recompute(new MacAddress(mac));
    }

    /// <summary>
    /// Rebuilds the derived maps and the index from the stores' current rows (after recovering a checkpoint). The
    /// observer sees every resulting entry, as if the rows had just arrived.
    /// </summary>
    public void RebuildFromStores()
    {
        var rebuild = new IndexRebuild();
        _employees.ForEachRow(rebuild.OnEmployee);
        _computers.ForEachRow(rebuild.OnComputer);
        Adopt(rebuild);
    }

    /// <summary>
    /// Takes the maps and owners a restart collected while the stores were scanned (<see cref="IndexRebuild"/>) as
    /// this maintainer's, and publishes the owners. The observer sees every resulting entry, as if the rows had just
    /// arrived.
    /// </summary>
    public void Adopt(IndexRebuild rebuild)
    {
        EnsureMaps();
        rebuild.ResolveOwners();
        RecomputedRows += rebuild.RowsWithMac;
        // MACs the index holds that no longer have an owner (none at start-up, when the index is empty).
        foreach (var mac in Index.Macs.ToList())
        {
            if (!rebuild.Owners.ContainsKey(mac.Value) && !rebuild.SingleOwners.ContainsKey(mac.Value)) Recompute(mac);
        }
        foreach (var (mac, record) in rebuild.SingleOwners) _publisher.Publish(new MacAddress(mac), record);
        foreach (var (mac, list) in rebuild.Owners) _publisher.Publish(new MacAddress(mac), list);
        rebuild.Release();
        // Started once the index is published, not beside it: a string per row key (a million of them) made on the
        // other core set off collections that stopped the publishing thread too.
        var rows = rebuild.Rows;
        _mapsInTheMaking = Task.Run(() =>
        {
            var maps = rows.BuildMaps();
            rows.Clear();
            return maps;
        });
        MapsBuilt = _mapsInTheMaking;
    }

    /// <summary>
    /// Completes when the reverse maps an <see cref="Adopt"/> started are made (at once when none is under way); the
    /// service returns the restart's scratch memory then.
    /// </summary>
    public Task MapsBuilt { get; private set; } = Task.CompletedTask;

    /// <summary>Takes the maps a restart is making, waiting for them if they are not ready yet.</summary>
    private void EnsureMaps()
    {
        if (_mapsInTheMaking is not { } making) return;
        _references = making.GetAwaiter().GetResult();
        _mapsInTheMaking = null;
    }

    /// <summary>
    /// A change of <paramref name="table"/> in its stored form (the one form every change is written in), taken as the
    /// row's present value. While loading into empty stores it reaches the stores only.
    /// </summary>
    public void Apply(TableName table, StoredChange change)
    {
        if (_loadingIntoEmptyStores)
        {
            LoadIntoEmptyStore(table, change);
            return;
        }
        EnsureMaps();
        if (table == TableName.Employees) ApplyEmployee(change);
        else ApplyComputer(change);
    }

    private void ApplyEmployee(StoredChange change)
    {
        if (change.IsDelete) _employees.Delete(change.RowKey);
        else _employees.Upsert(change.RowKey, change.Row);
        if (!_references.TryGetOfEmployee(Encoding.UTF8.GetString(change.RowKey), out var computerKeys)) return;
        var affected = new HashSet<long>();
        foreach (var computerKey in computerKeys)
        {
            if (_computers.Read(computerKey) is { } computer && WatchRule.TryGetMac(computer, out var mac)) affected.Add(mac.Value);
        }
        foreach (var mac in affected) Affect(mac);
    }

    private void ApplyComputer(StoredChange change)
    {
        var rowKey = Encoding.UTF8.GetString(change.RowKey);
        var previousBytes = change.IsDelete ? _computers.Delete(change.RowKey) : _computers.Upsert(change.RowKey, change.Row);
        var affected = new List<long>(2);
        if (previousBytes is not null)
        {
            long? oldMac = WatchRule.TryGetMac(previousBytes, out var old) ? old.Value : null;
            _references.Remove(rowKey, RowCodec.Field(previousBytes, RowCodec.ComputerEmpKey), oldMac);
            if (oldMac is { } o) affected.Add(o);
        }
        if (!change.IsDelete)
        {
            long? newMac = WatchRule.TryGetMac(change.Row, out var parsed) ? parsed.Value : null;
            _references.Add(rowKey, RowCodec.Field(change.Row, RowCodec.ComputerEmpKey), newMac);
            if (newMac is { } n && !affected.Contains(n)) affected.Add(n);
            if (newMac is null) KeptOutOfTheIndex(rowKey, RowCodec.Field(change.Row, RowCodec.ComputerMacAddr));
        }
        foreach (var mac in affected) Affect(mac);
    }

    /// <summary>
    /// A first load's change: the stores only (the index and the maps are made from them at the flush).
    /// </summary>
    private void LoadIntoEmptyStore(TableName table, StoredChange change)
    {
        var store = table == TableName.Employees ? _employees : _computers;
        if (change.IsDelete)
        {
            store.Delete(change.RowKey);
            return;
        }
        store.Upsert(change.RowKey, change.Row);
        if (table == TableName.Computers && !WatchRule.TryGetMac(change.Row, out _))
        {
            KeptOutOfTheIndex(Encoding.UTF8.GetString(change.RowKey), RowCodec.Field(change.Row, RowCodec.ComputerMacAddr));
        }
    }

    private void KeptOutOfTheIndex(string rowKey, string? macAddr)
    {
        InvalidMacRows++;
        _log.LogWarning("Computer row {RowKey} has an invalid MAC address {MacAddr}; it is kept out of the index", rowKey, macAddr);
    }

    /// <summary>Whether a first load into empty stores is under way (until the next <see cref="Flush"/>).</summary>
    public bool TakesStoredChanges => _loadingIntoEmptyStores;

    /// <summary>The from-scratch answer for one MAC: every computer row with it whose owner is watched.</summary>
    private void Recompute(MacAddress mac)
    {
        EnsureMaps();
        var owners = new List<WatchedComputer>();
        if (_references.TryGetAtMac(mac.Value, out var rowKeys))
        {
            RecomputedRows += rowKeys.Count;
            var employees = new StoredEmployees(_employees);
            foreach (var rowKey in rowKeys)
            {
                if (_computers.Read(rowKey) is { } computer && WatchRule.TryGetOwner(mac, rowKey, computer, ref employees, out var owner))
                {
                    owners.Add(owner);
                }
            }
        }
        _publisher.Publish(mac, owners);
    }

    /// <summary>The employees as the store holds them now.</summary>
    private readonly struct StoredEmployees(FasterTableStore store) : IEmployeeRows
    {
        public byte[]? Find(ReadOnlySpan<byte> empKey, out string? empKeyText)
        {
            empKeyText = null;
            return store.Read(empKey);
        }
    }
}

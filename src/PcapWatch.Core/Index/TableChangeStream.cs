using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// The tables' changes and who hears them, in order: the history first (attributing at capture time), which keeps
/// every change as a version valid from its time and says whether it is its row's newest version; then the present
/// tables and index (<see cref="WatchIndexMaintainer"/>), which take only those. As Kafka Streams' versioned stores
/// (KIP-889) do: a late change goes into its row's past and leaves its present alone.
/// </summary>
public sealed class TableChangeStream
{
    private readonly ILogger _log;
    private readonly HashSet<long> _historyAffected = new();
    private bool _deferring;

    public TableChangeStream(WatchIndexMaintainer present, OwnershipHistory? history = null, ILogger? log = null)
    {
        Present = present;
        History = history;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>The tables and the index as they are now.</summary>
    public WatchIndexMaintainer Present { get; }

    /// <summary>Who owned each MAC when (attributing at capture time; null otherwise).</summary>
    public OwnershipHistory? History { get; }

    /// <summary>Changes that were not their row's newest version by valid time (kept in the history only).</summary>
    public long OlderVersions { get; private set; }

    /// <summary>
    /// The newest capture time this instance has decided packets for (set by the pipeline before each batch of table
    /// changes): a change valid before it is late, as packets in between were attributed without it.
    /// </summary>
    public long DecidedUpToMs { get; set; }

    /// <summary>Table changes valid before packets already decided (attributing at capture time).</summary>
    public long LateChanges { get; private set; }

    /// <summary>A change in its stored form: into the history first (when kept), then, if it is its row's newest
    /// version, the present tables.</summary>
    /// <param name="validFromMs">When the change took effect (attributing at capture time; ignored otherwise).</param>
    public void Apply(TableName table, StoredChange change, long validFromMs = 0)
    {
        if (History is not null && !RecordedAsNewest(table, change, validFromMs)) return;
        Present.Apply(table, change);
    }

    private bool RecordedAsNewest(TableName table, StoredChange change, long validFromMs)
    {
        var rowKey = Encoding.UTF8.GetString(change.RowKey);
        byte[]? row = change.IsDelete ? null : change.Row.ToArray();
        bool newest = table == TableName.Employees
            ? History!.RecordEmployee(rowKey, row, validFromMs, _historyAffected)
            : History!.RecordComputer(rowKey, row, validFromMs, _historyAffected);
        return Newest(table == TableName.Employees ? "employees" : "computers", rowKey, validFromMs, newest);
    }

    /// <summary>
    /// Until <see cref="Flush"/>, the history's timelines and the index wait to be brought up to date once.
    /// </summary>
    public void Defer()
    {
        _deferring = true;
        Present.Defer();
    }

    /// <summary>
    /// Brings the history's timelines and the index up to date with every change since <see cref="Defer"/>.
    /// </summary>
    public void Flush()
    {
        _deferring = false;
        if (_historyAffected.Count > 0) History!.RebuildAll(_historyAffected);
        Present.Flush();
    }

    /// <summary>
    /// A first load into empty stores (see <see cref="WatchIndexMaintainer.TryLoadIntoEmptyStores"/>).
    /// </summary>
    public bool TryLoadIntoEmptyStores() => Present.TryLoadIntoEmptyStores();

    /// <summary>
    /// After a change was recorded in the history: counts it when late, brings the timelines up to date unless
    /// deferring, and says whether the present tables take it (its row's newest version by valid time).
    /// </summary>
    private bool Newest(string table, string rowKey, long validFromMs, bool newest)
    {
        CountIfLate(table, rowKey, validFromMs);
        if (!_deferring) History!.RebuildAll(_historyAffected);
        if (newest) return true;
        OlderVersions++;
        return false;
    }

    private void CountIfLate(string table, string rowKey, long validFromMs)
    {
        if (validFromMs >= DecidedUpToMs) return;
        LateChanges++;
        _log.LogWarning("{Table} row {RowKey} changed at {ValidFrom:o}, after packets up to {Decided:o} were "
            + "attributed: those in between went to the owner known then",
            table, rowKey, UnixTime.ToDateTimeOffset(validFromMs), UnixTime.ToDateTimeOffset(DecidedUpToMs));
    }
}

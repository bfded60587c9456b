using System.Diagnostics;
using Confluent.Kafka;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PcapWatch.Index;

/// <summary>
/// Publishes the watched-MAC index as a table topic (the recipe's COMP_WATCH_BY_MACADDR): key = canonical MAC,
/// value = the watched computer as JSON, a tombstone when the MAC leaves the index. When a MAC has several watched
/// owners, the value is the first by computer row key (the conflict is logged by the maintainer).
/// </summary>
/// <remarks>
/// Changes are not published while the tables load. Once they are current, the index is compared with what the topic
/// already says and only the differences are written (<see cref="BeginReconcile"/>). That includes tombstones for MACs
/// that left while the service was down, which an incremental stream of changes would never emit.
/// </remarks>
public sealed class WatchChangelog : IWatchIndexObserver, IDisposable
{
    private readonly ILogger _log;
    private readonly KafkaConnectivity? _kafka;

    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly string _topic;
    private readonly DeliveryTracker _deliveries;
    private bool _live;

    // A reconcile under way: the topic being read on another thread, to be compared with this index.
    private Task<ChangelogSnapshot>? _reading;
    private readonly ChangelogValue _value = new();
    private WatchIndex? _readingFor;
    private readonly CancellationTokenSource _readingCancel = new();
    private CancellationToken _serviceCancel;
    private readonly Stopwatch _reconcileClock = new();

    /// <param name="deliveries">The pipeline's delivery accounting: a refused changelog record blocks the next commit,
    /// and the pipeline reconciles the topic again to make it good.</param>
    public WatchChangelog(IProducer<byte[], byte[]?> producer, string topic, DeliveryTracker deliveries, ILogger? log = null,
        KafkaConnectivity? kafka = null)
    {
        _log = log ?? NullLogger.Instance;
        _kafka = kafka;
        _producer = producer;
        _topic = topic;
        _deliveries = deliveries;
    }

    /// <summary>Changes are published only once the topic was reconciled with the index (<see cref="Reconcile"/>).</summary>
    public bool Listening => _live;

    public void OnOwnersChanged(MacAddress mac, IReadOnlyList<WatchedComputer> owners)
    {
        if (_live) Publish(mac, owners.Count == 0 ? null : ChangelogValue.Encode(owners[0]));
    }

    /// <summary>Brings the topic in line with the index, then publishes every later change as it happens.</summary>
    /// <param name="partitions">The changelog topic's partitions, when known (saves asking the cluster).</param>
    /// <returns>False when <paramref name="cancel"/> stopped the wait (the reconcile stays under way).</returns>
    public bool Reconcile(string bootstrapServers, WatchIndex index, IReadOnlyDictionary<string, string>? consumerProperties,
        CancellationToken cancel, IReadOnlyList<TopicPartition>? partitions = null)
    {
        BeginReconcile(bootstrapServers, index, consumerProperties, cancel, partitions);
        return FinishReconcile(cancel);
    }

    /// <summary>
    /// Starts bringing the topic in line with <paramref name="index"/> without waiting: the topic is read on another
    /// thread (a second with 100,000 MACs, which packets need not wait for), and the index is compared with it on the
    /// caller's thread, by <see cref="ReconcileIfRead"/> between batches, by <see cref="FinishReconcile"/>, or before the
    /// index first changes. So the topic still receives every change after the reconciled state, in order.
    /// </summary>
    /// <param name="cancel">The service's: a wait before an index change ends with it.</param>
    public void BeginReconcile(string bootstrapServers, WatchIndex index, IReadOnlyDictionary<string, string>? consumerProperties,
        CancellationToken cancel, IReadOnlyList<TopicPartition>? partitions = null)
    {
        if (_reading is not null) return;
        _reconcileClock.Restart();
        _readingFor = index;
        _serviceCancel = cancel;
        var stop = _readingCancel.Token;
        _reading = Task.Run(() => ReadTopic(bootstrapServers, consumerProperties, partitions, stop));
    }

    /// <summary>Whether a reconcile has begun and not finished.</summary>
    public bool Reconciling => _reading is not null;

    /// <summary>Finishes a reconcile whose read is done; never waits.</summary>
    public void ReconcileIfRead()
    {
        if (_reading is { IsCompleted: true }) Compare();
    }

    /// <summary>Finishes a reconcile under way, waiting for its read unless <paramref name="giveUp"/> fires first.</summary>
    /// <returns>True when no reconcile is under way any more.</returns>
    public bool FinishReconcile(CancellationToken giveUp)
    {
        if (_reading is not { } reading) return true;
        if (!reading.IsCompleted)
        {
            try
            {
                reading.Wait(giveUp);
            }
            catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
            {
                return false;
            }
            catch (AggregateException)
            {
                // The read failed: Compare rethrows its exception as it was thrown.
            }
        }
        Compare();
        return true;
    }

    /// <summary>The index is about to change: a reconcile under way is finished first, against the state before it.</summary>
    public void BeforeIndexChanges()
    {
        if (_reading is not null) FinishReconcile(_serviceCancel);
    }

    private void Compare()
    {
        var reading = _reading!;
        var index = _readingFor!;
        _reading = null;
        _readingFor = null;
        var published = reading.GetAwaiter().GetResult();
        long readMs = _reconcileClock.ElapsedMilliseconds;
        int upserts = 0, tombstones = 0;
        foreach (var mac in index.Macs)
        {
            if (!index.TryGetOwners(mac, out var owners)) continue;
            foreach (var first in owners)
            {
                // The first by computer row key: an index record keeps its owners in that order.
                var value = _value.Write(mac, first);
                if (published.ByMac.TryGetValue(mac.Value, out var old) && old is not null && value.SequenceEqual(old)) break;
                Publish(mac, value.ToArray());
                upserts++;
                break;
            }
        }
        foreach (var (mac, value) in published.ByMac)
        {
            if (value is null || index.Contains(new MacAddress(mac))) continue;
            Publish(new MacAddress(mac), null);
            tombstones++;
        }
        // Not a key the service writes: no MAC of the index has it.
        foreach (var (key, value) in published.OtherKeys)
        {
            if (value is null) continue;
            Publish(System.Text.Encoding.UTF8.GetBytes(key), null);
            tombstones++;
        }
        _live = true;
        _log.LogInformation("Changelog {Topic} reconciled: {Upserts} upserts, {Tombstones} tombstones, {Unchanged} unchanged ({ReadMs} ms after it began, {CompareMs} ms comparing)",
            _topic, upserts, tombstones, index.Count - upserts, readMs, _reconcileClock.ElapsedMilliseconds - readMs);
    }

    /// <summary>Stops a read still under way (a stop that could not wait for it: the next start reconciles).</summary>
    public void Dispose()
    {
        _readingCancel.Cancel();
        try
        {
            _reading?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancelled or failed: nothing is left to compare.
        }
        _readingCancel.Dispose();
    }

    /// <summary>The topic's latest value per key (null for a tombstone), read from the beginning to its current end.</summary>
    private ChangelogSnapshot ReadTopic(string bootstrapServers, IReadOnlyDictionary<string, string>? properties,
        IReadOnlyList<TopicPartition>? partitions, CancellationToken cancel)
    {
        var latest = new ChangelogSnapshot();
        TopicSnapshot.Read(bootstrapServers, _topic, properties, _kafka, r =>
        {
            if (r.Message.Key is { } key) latest.Add(key, r.Message.Value);
        }, cancel, partitions: partitions);
        return latest;
    }

    private void Publish(MacAddress mac, byte[]? value)
    {
        var key = new byte[MacAddress.TextLength];
        mac.Format(key);
        Publish(key, value);
    }

    private void Publish(byte[] key, byte[]? value) =>
        _deliveries.Produce(_producer, _topic, new Message<byte[], byte[]?> { Key = key, Value = value });
}

using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Packets;

namespace PcapWatch.Changelog;

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

    // A reconcile under way, and what stops its read.
    private ChangelogReconcile? _reconcile;
    private readonly ChangelogValue _value = new();
    private readonly CancellationTokenSource _readingCancel = new();
    private CancellationToken _serviceCancel;

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

    /// <summary>
    /// Changes are published only once the topic was reconciled with the index (<see cref="Reconcile"/>).
    /// </summary>
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
        // One under way is finished first, and a new one made: a record it already wrote may be what was refused.
        if (!FinishReconcile(cancel)) return false;
        BeginReconcile(bootstrapServers, index, consumerProperties, cancel, partitions);
        return FinishReconcile(cancel);
    }

    /// <summary>
    /// Starts bringing the topic in line with <paramref name="index"/> without waiting: the topic is read on another
    /// thread (a second with 100,000 MACs, which packets need not wait for), and the index is compared with it on the
    /// caller's thread: in steps by <see cref="ReconcileIfRead"/> between batches, at once by
    /// <see cref="FinishReconcile"/> or before the index next changes. So the topic still receives every change after
    /// the reconciled state, in order.
    /// </summary>
    /// <param name="cancel">The service's: a wait before an index change ends with it.</param>
    public void BeginReconcile(string bootstrapServers, WatchIndex index, IReadOnlyDictionary<string, string>? consumerProperties,
        CancellationToken cancel, IReadOnlyList<TopicPartition>? partitions = null)
    {
        if (_reconcile is not null) return;
        _serviceCancel = cancel;
        var stop = _readingCancel.Token;
        _reconcile = new ChangelogReconcile(() => ReadTopicUntilRead(bootstrapServers, consumerProperties, partitions, stop), index,
            _value, Publish, Publish);
    }

    /// <summary>Whether a reconcile has begun and not finished.</summary>
    public bool Reconciling => _reconcile is not null;

    /// <summary>
    /// MACs compared per <see cref="ReconcileIfRead"/>: ~10–20 ms of the packet loop's time (tests lower it).
    /// </summary>
    internal int MacsPerStep { get; set; } = 8192;

    /// <summary>Steps taken by <see cref="ReconcileIfRead"/> (for tests).</summary>
    internal int StepsTaken { get; private set; }

    /// <summary>Takes a step of a reconcile whose read is done; never waits.</summary>
    public void ReconcileIfRead()
    {
        if (_reconcile is not { Reading.IsCompleted: true } reconcile) return;
        StepsTaken++;
        if (reconcile.Step(MacsPerStep)) Reconciled();
    }

    /// <summary>Finishes a reconcile under way, waiting for its read unless <paramref name="giveUp"/> fires
    /// first.</summary>
    /// <returns>True when no reconcile is under way any more.</returns>
    public bool FinishReconcile(CancellationToken giveUp)
    {
        if (_reconcile is not { } reconcile) return true;
        if (!reconcile.Reading.IsCompleted)
        {
            try
            {
                reconcile.Reading.Wait(giveUp);
            }
            catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
            {
                return false;
            }
            catch (AggregateException)
            {
                // The read failed: the step rethrows its exception as it was thrown.
            }
        }
        reconcile.Step(int.MaxValue);
        Reconciled();
        return true;
    }

    /// <summary>
    /// The index is about to change: a reconcile under way is finished first, against the state before it.
    /// </summary>
    public void BeforeIndexChanges()
    {
        if (_reconcile is not null) FinishReconcile(_serviceCancel);
    }

    private void Reconciled()
    {
        var done = _reconcile!;
        _reconcile = null;
        _live = true;
        _log.LogInformation("Changelog {Topic} reconciled: {Upserts} upserts, {Tombstones} tombstones, {Unchanged} "
            + "unchanged (read in {ReadMs} ms, compared in {CompareMs} ms over {Steps} steps)",
            _topic, done.Upserts, done.Tombstones, done.Unchanged, done.ReadMs, done.CompareMs, done.Steps);
    }

    /// <summary>Stops a read still under way (a stop that could not wait for it: the next start reconciles).</summary>
    public void Dispose() =>
        // Not waited for: a read stuck on a broker that is down (a watermark query waits up to 30 s) would hold the
        // stop past --shutdown-timeout. The read ends on its own at its next look at the token; the source is left to
        // the collector, as that read may still look at it.
        _readingCancel.Cancel();

    /// <summary>
    /// <see cref="ReadTopic"/>, again after a pause when Kafka fails it: the packets are served meanwhile and wait for
    /// Kafka as they do, so an outage while the changelog is read must not stop the service. Ends when cancelled.
    /// </summary>
    private ChangelogSnapshot ReadTopicUntilRead(string bootstrapServers, IReadOnlyDictionary<string, string>? properties,
        IReadOnlyList<TopicPartition>? partitions, CancellationToken cancel)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return ReadTopic(bootstrapServers, properties, partitions, cancel);
            }
            catch (Exception ex) when (ex is KafkaException or KafkaUnavailableException && !cancel.IsCancellationRequested)
            {
                Interlocked.Increment(ref _readFailures);
                _log.LogWarning("Reading the changelog {Topic} to reconcile it failed ({Reason}); trying again in {Pause} s (attempt {Attempt})",
                    _topic, ex.Message, (int)ReadRetryPause.TotalSeconds, attempt);
                cancel.WaitHandle.WaitOne(ReadRetryPause);
                cancel.ThrowIfCancellationRequested();
            }
        }
    }

    private static readonly TimeSpan ReadRetryPause = TimeSpan.FromSeconds(1);

    private int _readFailures;

    /// <summary>Reads of the topic that Kafka failed and that were tried again (for tests).</summary>
    internal int ReadFailures => Volatile.Read(ref _readFailures);

    /// <summary>
    /// The topic's latest value per key (null for a tombstone), read from the beginning to its current end.
    /// </summary>
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

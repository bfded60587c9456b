using System.Diagnostics;
using System.Diagnostics.Metrics;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Output;

namespace PcapWatch.Service;

/// <summary>
/// The service's metrics on a <see cref="Meter"/> named <see cref="MeterName"/> (System.Diagnostics.Metrics, so any
/// exporter can read them; the CLI serves them to Prometheus). Counters read the pipeline's own single-writer
/// counters. Values only the pipeline thread may touch (lag per partition, row counts, dead letters by reason) are
/// copied into a snapshot once a second on that thread and read from the snapshot by the exporter's thread.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "PcapWatch";

    private static readonly double[] LatencyBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Meter _meter;
    private readonly Histogram<double> _latency;
    private readonly KeyValuePair<string, object?> _instance;
    private volatile Snapshot _snapshot = new([], new Dictionary<string, long>(), 0, 0, 0);
    private long _lastCheckpointTimestamp = Stopwatch.GetTimestamp();
    private Kafka.DeliveryTracker? _deliveries;

    private sealed record Snapshot(KeyValuePair<int, long>[] LagByPartition, IReadOnlyDictionary<string, long> DeadLettersByReason,
        long WatchedMacs, long EmployeeRows, long ComputerRows)
    {
        public long HistoryVersions { get; init; }
        public long LateTableChanges { get; init; }
        public long JudgedAtHorizon { get; init; }
        public long HistoryTimesClamped { get; init; }
        public BindingCounts Bindings { get; init; } = new();
        public long[] MatchesByNameSource { get; init; } = [];
    }

    public PipelineMetrics(PipelineProgress progress, string instanceId)
    {
        var instance = _instance = new KeyValuePair<string, object?>("instance", instanceId);
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("pcapwatch.packets.consumed", () => new Measurement<long>(progress.Packets, instance),
            description: "pcap records consumed (good or bad)");
        _meter.CreateObservableCounter("pcapwatch.matches.produced", () => new Measurement<long>(progress.Matches, instance),
            description: "Output records produced");
        _meter.CreateObservableCounter("pcapwatch.dead_letters", () => _snapshot.DeadLettersByReason
                .Select(r => new Measurement<long>(r.Value, instance, new("reason", r.Key))),
            description: "Records sent to a dead-letter topic, by reason");
        _meter.CreateObservableCounter("pcapwatch.deliveries.refused", () => new Measurement<long>(_deliveries?.Failures ?? 0, instance),
            description: "Output records (matches, dead letters, changelog) the broker refused after librdkafka's retries; each is produced again");
        _meter.CreateObservableGauge("pcapwatch.consumer.lag", () => _snapshot.LagByPartition
                .Select(p => new Measurement<long>(p.Value, instance, new("partition", p.Key))),
            unit: "{record}", description: "pcap records not yet consumed, per assigned partition");
        _meter.CreateObservableGauge("pcapwatch.index.watched_macs", () => new Measurement<long>(_snapshot.WatchedMacs, instance),
            description: "MAC addresses in the watched index");
        _meter.CreateObservableGauge("pcapwatch.table.rows", () => new[]
            {
                new Measurement<long>(_snapshot.EmployeeRows, instance, new("table", "employees")),
                new Measurement<long>(_snapshot.ComputerRows, instance, new("table", "computers")),
            }, description: "Rows in the local table stores");
        _meter.CreateObservableCounter("pcapwatch.bindings.learned", () => new Measurement<long>(progress.BindingsLearned, instance),
            description: "IP-MAC binding changes learned from DHCP, ARP and NDP packets and told to the other instances: new claims, "
                + "releases, extensions by half a lifetime or more (--match ip)");
        BindingsInstruments(instance);
        _meter.CreateObservableCounter("pcapwatch.bindings.read", () => new Measurement<long>(progress.BindingsRead, instance),
            description: "Records read from the bindings topic (other instances' bindings and this one's own)");
        _meter.CreateObservableCounter("pcapwatch.bindings.late", () => new Measurement<long>(progress.BindingsLate, instance),
            description: "Other instances' bindings that began before packets this instance had already decided "
                + "(packets in between may be unattributed)");
        _meter.CreateObservableGauge("pcapwatch.history.versions", () => new Measurement<long>(_snapshot.HistoryVersions, instance),
            description: "Table row versions kept for attribution at capture time (--attribution capture-time)");
        _meter.CreateObservableCounter("pcapwatch.history.late_changes", () => new Measurement<long>(_snapshot.LateTableChanges, instance),
            description: "Table changes valid before packets this instance had already attributed (those packets went to the owner known then)");
        _meter.CreateObservableCounter("pcapwatch.clock.future_times_clamped", () => new[]
            {
                new Measurement<long>(_snapshot.Bindings.TimesClamped, instance, new("store", "bindings")),
                new Measurement<long>(_snapshot.HistoryTimesClamped, instance, new("store", "history")),
            }, description: "Capture times, LAST_STATED and valid_from values past the clock plus --max-clock-skew, "
                + "clamped where they would move a retention horizon");
        _meter.CreateObservableCounter("pcapwatch.history.judged_at_horizon", () => new Measurement<long>(_snapshot.JudgedAtHorizon, instance),
            description: "Packets captured before the kept history began, attributed as at its start (--history-retention)");
        NamesInstruments(instance);
        _meter.CreateObservableGauge("pcapwatch.tables.current", () => new Measurement<int>(progress.TablesCurrent ? 1 : 0, instance),
            description: "1 once the tables have caught up with their topics");
        _meter.CreateObservableGauge("pcapwatch.loop.state", () => Enum.GetValues<LoopState>()
                .Select(state => new Measurement<int>(progress.LoopState == state ? 1 : 0, instance, new("state", StateName(state)))),
            description: "1 for the state the instance is in (starting, restoring, loading_tables, running, shutting_down, dead), 0 for the others");
        _meter.CreateObservableGauge("pcapwatch.commits.blocked_since",
            () => new Measurement<double>(progress.CommitsBlockedSinceMs / 1000.0, instance), unit: "s",
            description: "Unix time since when no pcap commit has gone through (output unacknowledged or refused); 0 while commits go through");
        _meter.CreateObservableGauge("pcapwatch.checkpoint.age",
            () => new Measurement<double>(Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastCheckpointTimestamp)).TotalSeconds, instance),
            unit: "s", description: "Time since the tables were last checkpointed (or the service started)");
        _latency = _meter.CreateHistogram<double>("pcapwatch.processing.latency", unit: "s",
            description: "Time from a packet's Kafka timestamp until it was processed (last record of each batch)",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    private void BindingsInstruments(KeyValuePair<string, object?> instance)
    {
        _meter.CreateObservableCounter("pcapwatch.bindings.refused", () => _snapshot.Bindings.Refused
                .Select(r => new Measurement<long>(r.Value, instance, new("reason", r.Key))),
            description: "Binding statements not believed, by reason: a forgery (an ARP sender that is not the frame's, a DHCP ACK not "
                + "from port 67, a RELEASE not to it), a rogue DHCP server, a MAC over --binding-claims-per-minute");
        _meter.CreateObservableCounter("pcapwatch.bindings.conflicts", () => new Measurement<long>(_snapshot.Bindings.Conflicts, instance),
            description: "Claims of an address another MAC held then (the address is contested for the overlap)");
        _meter.CreateObservableCounter("pcapwatch.bindings.releases", () => new Measurement<long>(_snapshot.Bindings.Releases, instance),
            description: "DHCP RELEASEs learned (each ends only the claim of the MAC it names)");
        _meter.CreateObservableCounter("pcapwatch.bindings.evicted", () => new Measurement<long>(_snapshot.Bindings.Evicted, instance),
            description: "Addresses evicted because --bindings-max-addresses was reached (the least recently stated)");
        _meter.CreateObservableGauge("pcapwatch.bindings.addresses", () => new Measurement<long>(_snapshot.Bindings.Addresses, instance),
            description: "IP addresses with bindings kept");
    }

    /// <summary>Pipeline thread: copies what only it may read.</summary>
    internal void Update(PacketStage joiner, TableChangeStream changes, DeadLetterWriter deadLetters) =>
        _snapshot = new Snapshot(joiner.LagByPartition(), new Dictionary<string, long>(deadLetters.ByReason),
            changes.Present.Index.Count, changes.Present.EmployeeRows, changes.Present.ComputerRows)
        {
            HistoryVersions = changes.History?.VersionCount ?? 0,
            LateTableChanges = changes.LateChanges,
            JudgedAtHorizon = changes.History?.JudgedAtHorizon ?? 0,
            HistoryTimesClamped = changes.History?.Ceiling.Clamped ?? 0,
            Bindings = joiner.Bindings is { } shared ? BindingCounts.Of(shared.Gate) : new(),
            MatchesByNameSource = (long[])joiner.MatchesByNameSource.Clone(),
        };

    /// <summary>The pipeline's delivery accounting, once it exists.</summary>
    internal void Track(Kafka.DeliveryTracker deliveries) => _deliveries = deliveries;

    internal void OnCheckpoint() => Interlocked.Exchange(ref _lastCheckpointTimestamp, Stopwatch.GetTimestamp());

    /// <summary>The time from a record's Kafka timestamp (any value: it is the writer's) until now.</summary>
    internal void RecordLatency(long writtenMs) =>
        _latency.Record(Math.Max(0, UnixTime.SaturatingSubtract(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), writtenMs) / 1000.0), _instance);

    private void NamesInstruments(KeyValuePair<string, object?> instance) =>
        _meter.CreateObservableCounter("pcapwatch.names.matches", () => NameSources()
                .Select(s => new Measurement<long>(_snapshot.MatchesByNameSource.ElementAtOrDefault((int)s), instance, new("source", NameTag(s)))),
            description: "Matches by where their name came from (--names): the packet itself (sni, http, dns), a DNS answer (dns-answer, "
                + "dns-answer-seen), or none (what could not be named)");

    private static IEnumerable<Packets.NameSource> NameSources() => Enum.GetValues<Packets.NameSource>().Where(s => s != Packets.NameSource.Off);

    private static string NameTag(Packets.NameSource source) => new Packets.PacketName(source, null).SourceText ?? "none";

    private static string StateName(LoopState state) => state switch
    {
        LoopState.LoadingTables => "loading_tables",
        LoopState.ShuttingDown => "shutting_down",
        _ => state.ToString().ToLowerInvariant(),
    };

    public void Dispose() => _meter.Dispose();
}

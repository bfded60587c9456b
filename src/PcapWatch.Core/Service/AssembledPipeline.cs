using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Bindings;
using PcapWatch.Changelog;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Service;

/// <summary>
/// A running instance's collaborators, wired once over its recovered state: the producer and its accounting, the dead
/// letters, the published index, the index maintainer, the table loader, the commit coordinator and the packet stage.
/// Disposed in the reverse order of their making.
/// </summary>
internal sealed class AssembledPipeline : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public required IProducer<byte[], byte[]?> Producer { get; init; }
    public required DeliveryTracker Deliveries { get; init; }
    public required DeadLetterWriter DeadLetters { get; init; }
    public required WatchIndexMaintainer Maintainer { get; init; }

    /// <summary>The tables' changes: the history (when kept), then the present tables and index.</summary>
    public required TableChangeStream Changes { get; init; }
    public required TableFeed Tables { get; init; }
    public required CommitCoordinator Commits { get; init; }
    public required PacketStage Packets { get; init; }
    public WatchChangelog? Changelog { get; init; }
    public ChangelogReconciler? Reconciler { get; init; }

    /// <summary>The bindings shared between instances (attributing by IP), or null.</summary>
    public SharedBindings? Shared { get; init; }

    /// <summary>What DNS answers to watched hosts named (names on), or null.</summary>
    public Names.PassiveDns? PassiveDns { get; init; }

    /// <summary>The passive DNS shared between instances (names on, with a names topic), or null.</summary>
    public Names.SharedNames? SharedNames { get; init; }

    /// <summary>Reads the other instances' names; made with the bindings reader (<see cref="StartNamesReader"/>).</summary>
    public Names.NamesReader? NamesReader { get; private set; }

    /// <summary>
    /// Reads the other instances' bindings; made when the tables are current (<see cref="StartBindingsReader"/>).
    /// </summary>
    public BindingsReader? BindingsReader { get; private set; }

    public static AssembledPipeline Build(PipelineOptions o, RecoveredState state, IConsumer<byte[]?, byte[]?> reader,
        Dictionary<string, List<TopicPartition>> partitions, KafkaConnectivity kafka, PipelineMetrics metrics, PipelineProgress progress,
        ILoggerFactory loggers)
    {
        var owned = new List<IDisposable>();
        try
        {
            var producer = Own(owned, ClientSettings.BuildProducer(o.BootstrapServers, o.ProducerProperties, kafka));
            var deliveries = new DeliveryTracker(o.RefusedRecordTimeout, loggers.CreateLogger<DeliveryTracker>());
            metrics.Track(deliveries);
            var deadLetters = new DeadLetterWriter(producer, deliveries, o.DeadLetterMaxBytes, loggers.CreateLogger<DeadLetterWriter>());
            var changelog = o.PublishChangelog
                ? Own(owned, new WatchChangelog(producer, o.Topics.Changelog, deliveries, loggers.CreateLogger<WatchChangelog>(), kafka))
                : null;
            var maintainer = new WatchIndexMaintainer(state.Employees, state.Computers, changelog, loggers.CreateLogger<WatchIndexMaintainer>());
            if (state.Resumed) maintainer.Adopt(state.Rebuild);
            var changes = new TableChangeStream(maintainer, state.History, loggers.CreateLogger<TableChangeStream>());
            var tables = new TableFeed(reader, partitions, o.Topics, changes, progress, deadLetters, state.Resume,
                loggers.CreateLogger<TableFeed>());
            var checkpointer = new TableCheckpointer(state.Employees, state.Computers, tables, o.Topics, state.History,
                TableCheckpointer.HistoryPathIn(o.StateDir), metrics, loggers.CreateLogger<TableCheckpointer>());
            var commits = new CommitCoordinator(new ProducerDeliveries(producer, deliveries), tables, checkpointer,
                changelog is null ? null : o.Topics.Changelog, loggers.CreateLogger<CommitCoordinator>());
            // Made before the tables are read, subscribed after: its client connects and finds the group's coordinator
            // meanwhile (~50 ms that were on the way to the first match), and joins only once the tables are current.
            var shared = (o.Match & MatchMode.Ip) != 0
                ? new SharedBindings(BindingsGate(o, loggers), o.UsesBindingsTopic ? o.Topics.IpMacBindings : null, o.InstanceId)
                : null;
            var passiveDns = o.Names
                ? new Names.PassiveDns(o.NameGrace, o.PassiveDnsMaxAddresses, new TimeCeiling(TimeProvider.System, o.MaxClockSkew))
                : null;
            var sharedNames = passiveDns is not null && o.UsesNamesTopic ? new Names.SharedNames(passiveDns, o.Topics.IpNames, o.InstanceId) : null;
            var output = new PacketOutput(producer, deliveries, deadLetters, commits);
            var joiner = Own(owned, PacketStage(o, changes, (shared, passiveDns, sharedNames), output, progress, kafka, loggers, owned));
            var pipeline = new AssembledPipeline
            {
                Producer = producer, Deliveries = deliveries, DeadLetters = deadLetters, Maintainer = maintainer, Changes = changes, Tables = tables,
                Commits = commits, Packets = joiner, Changelog = changelog, Shared = shared, PassiveDns = passiveDns, SharedNames = sharedNames,
                Reconciler = changelog is null ? null
                    : new ChangelogReconciler(changelog, maintainer.Index, o, partitions.GetValueOrDefault(o.Topics.Changelog)),
            };
            pipeline._owned.AddRange(owned);
            return pipeline;
        }
        catch
        {
            DisposeAll(owned);
            throw;
        }
    }

    private static PacketStage PacketStage(PipelineOptions o, TableChangeStream changes,
        (SharedBindings? Bindings, Names.PassiveDns? PassiveDns, Names.SharedNames? Names) learned, PacketOutput output, PipelineProgress progress,
        KafkaConnectivity kafka, ILoggerFactory loggers, List<IDisposable> owned)
    {
        var (shared, passiveDns, sharedNames) = learned;
        var log = loggers.CreateLogger<PacketStage>();
        var encoder = Own(owned, o.OutputFormat == OutputFormat.Avro
            ? (IMatchEncoder)new AvroMatchEncoder(o.SchemaRegistryProperties
                ?? throw new InvalidOperationException("Avro output needs Schema Registry properties"), o.Topics.Output)
            : new JsonMatchEncoder());
        var processor = shared is null
            ? new LearningPacketProcessor(changes.Present.Index, o.Match, bindings: null, changes.History, learnsAnswers: o.Names, flows: o.Flows)
            : new LearningPacketProcessor(changes.Present.Index, o.Match, shared.Gate, changes.History, learnsAnswers: o.Names, flows: o.Flows);
        var decider = new PacketDecider(processor, encoder, log, o.MatchMaxBytes, o.Names, passiveDns);
        return new PacketStage(o, decider, output, progress, kafka, log, shared, sharedNames);
    }

    private static EvidenceGate BindingsGate(PipelineOptions o, ILoggerFactory loggers)
    {
        var bindings = new IpBindings
        {
            MaxLease = o.DhcpLeaseCap, MaxAddresses = o.BindingsMaxAddresses, ClaimsPerMinute = o.BindingClaimsPerMinute,
            Ceiling = new TimeCeiling(TimeProvider.System, o.MaxClockSkew),
        };
        return new EvidenceGate(bindings, new KnownDhcpServers(o.DhcpServerAddresses, o.DhcpServerMacs), loggers.CreateLogger<EvidenceGate>());
    }

    /// <summary>Starts reading the bindings other instances published, when they are shared through a topic.</summary>
    public BindingsReader? StartBindingsReader(PipelineOptions o, Dictionary<string, List<TopicPartition>> partitions, KafkaConnectivity kafka,
        ILoggerFactory loggers)
    {
        if (Shared?.Topic is not { } topic) return null;
        BindingsReader = new BindingsReader(o.BootstrapServers, o.ConsumerProperties, partitions[topic], Shared, kafka,
            loggers.CreateLogger<BindingsReader>());
        _owned.Add(BindingsReader);
        return BindingsReader;
    }

    /// <summary>Starts reading the names other instances published, when they are shared through a topic.</summary>
    public Names.NamesReader? StartNamesReader(PipelineOptions o, Dictionary<string, List<TopicPartition>> partitions, KafkaConnectivity kafka,
        ILoggerFactory loggers)
    {
        if (SharedNames is not { } names) return null;
        NamesReader = new Names.NamesReader(o.BootstrapServers, o.ConsumerProperties, partitions[names.Topic], names, kafka,
            loggers.CreateLogger<Names.NamesReader>());
        _owned.Add(NamesReader);
        return NamesReader;
    }

    private static T Own<T>(List<IDisposable> owned, T item) where T : IDisposable
    {
        owned.Add(item);
        return item;
    }

    private static void DisposeAll(List<IDisposable> owned)
    {
        for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
    }

    public void Dispose() => DisposeAll(_owned);
}

using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Bindings;
using PcapWatch.Kafka;

namespace PcapWatch.Service;

/// <summary>
/// Start-up's loading phase: the tables are read up to the ends they had at start-up before any packet (the recipe's
/// ksqlDB join would match packets against half-loaded tables), then, attributing by IP, the bindings the other
/// instances published, and with names what DNS answers told their clients. The changelog's reconcile begins here and
/// runs beside the packets.
/// </summary>
internal sealed class StartupCatchUp(AssembledPipeline pipeline, PipelineOptions options, KafkaConnectivity kafka, PipelineProgress progress,
    ILogger log)
{
    private static readonly TimeSpan PollWait = TimeSpan.FromMilliseconds(100);
    private const int Batch = PipelineLoop.TableBatch * 10;

    /// <summary>
    /// Loads them all; returns what the loop goes on polling of the other instances' state (null when nothing is shared).
    /// </summary>
    public SharedStateFeed? Run(Dictionary<string, List<TopicPartition>> partitions, ILoggerFactory loggers, CancellationToken cancel)
    {
        LoadTables(cancel);
        var bindings = pipeline.StartBindingsReader(options, partitions, kafka, loggers);
        if (bindings is not null) ReadBindings(bindings, cancel);
        var names = pipeline.StartNamesReader(options, partitions, kafka, loggers);
        if (names is not null) ReadNames(names, cancel);
        return bindings is null && names is null ? null : new SharedStateFeed(bindings, names, progress);
    }

    private void LoadTables(CancellationToken cancel)
    {
        var tables = pipeline.Tables;
        while (!tables.IsCurrent && !cancel.IsCancellationRequested)
        {
            tables.Poll(PollWait, Batch);
            ClusterWait.ThrowIfRefused(kafka, options.BootstrapServers);
        }
        if (!tables.IsCurrent) return;
        // Packets do not wait for the changelog: its topic is read beside them, and compared with the index before the
        // index next changes at the latest.
        pipeline.Reconciler?.Begin(cancel);
        progress.OnTablesCurrent();
    }

    private void ReadNames(Names.NamesReader names, CancellationToken cancel)
    {
        while (!names.IsCurrent && !cancel.IsCancellationRequested)
        {
            names.Poll(PollWait, Batch);
            ClusterWait.ThrowIfRefused(kafka, options.BootstrapServers);
        }
        progress.OnNamesRead(names.Read);
        log.LogInformation("Names {Topic} read: {Adopted} from other instances, {Addresses} addresses", options.Topics.IpNames,
            pipeline.PassiveDns!.Adopted, pipeline.PassiveDns.Addresses);
    }

    private void ReadBindings(BindingsReader bindings, CancellationToken cancel)
    {
        while (!bindings.IsCurrent && !cancel.IsCancellationRequested)
        {
            progress.OnBindingsRead(bindings.Poll(PollWait, Batch));
            ClusterWait.ThrowIfRefused(kafka, options.BootstrapServers);
        }
        log.LogInformation("Bindings {Topic} read: {Adopted} from other instances, {Addresses} addresses", options.Topics.IpMacBindings,
            bindings.Adopted, pipeline.Shared!.Bindings.AddressCount);
    }
}

using System.Diagnostics;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Tables;
using Serilog;

namespace PcapWatch.Service;

/// <summary>
/// One PcapWatch instance: table loading, index maintenance and the packet join, all on one thread. Tables change
/// rarely and packets are many, so a single owner of the stores and index needs no locks; table messages are applied
/// between packet batches, within ~100 ms. More throughput comes from more instances in the consumer group.
/// </summary>
public sealed class PcapWatchService
{
    private static readonly ILogger Log = Serilog.Log.ForContext<PcapWatchService>();
    private const int TableBatch = 1000;
    private const int PacketBatch = 5000;

    private readonly PipelineOptions _options;

    public PcapWatchService(PipelineOptions options) => _options = options;

    public PipelineProgress Progress { get; } = new();

    /// <summary>Runs until <paramref name="cancel"/> fires, then flushes, commits and returns the summary.</summary>
    public PipelineSummary Run(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var o = _options;
        using var employees = OpenStore("employees");
        using var computers = OpenStore("computers");
        using var producer = ClientSettings.BuildProducer(o.BootstrapServers, o.KafkaProperties);
        var changelog = o.PublishChangelog ? new WatchChangelog(producer, o.Topics.Changelog) : null;
        var maintainer = new WatchIndexMaintainer(employees, computers, changelog);
        using var tables = new TableLoader(o.BootstrapServers, o.Topics, maintainer, Progress, o.ConsumerSettings, cancel);

        while (!tables.IsCurrent && !cancel.IsCancellationRequested) tables.Poll(TimeSpan.FromMilliseconds(100), TableBatch * 10);
        if (tables.IsCurrent)
        {
            changelog?.Reconcile(o.BootstrapServers, maintainer.Index, o.ConsumerSettings, cancel);
            Progress.OnTablesCurrent();
        }

        using var joiner = new PcapJoiner(o.BootstrapServers, o.GroupId, o.Topics, maintainer.Index, o.Match, Progress,
            o.ConsumerSettings, producer);
        if (!cancel.IsCancellationRequested)
        {
            joiner.Subscribe();
            Log.Information("Joining {Pcap} → {Output} on {Match} as group {GroupId}", o.Topics.Pcap, o.Topics.Output,
                o.Match.ToString().ToLowerInvariant(), o.GroupId);
            var sinceCommit = Stopwatch.StartNew();
            while (!cancel.IsCancellationRequested)
            {
                int tableChanges = tables.Poll(TimeSpan.Zero, TableBatch);
                int packets = joiner.ProcessBatch(TimeSpan.FromMilliseconds(tableChanges > 0 ? 0 : 100), PacketBatch);
                if (sinceCommit.Elapsed >= o.CommitInterval)
                {
                    joiner.FlushAndCommit();
                    sinceCommit.Restart();
                }
            }
        }
        joiner.FlushAndCommit();

        var summary = new PipelineSummary(joiner.Packets, joiner.Matches, joiner.BadRecords, tables.RejectedRows,
            maintainer.EmployeeRows, maintainer.ComputerRows, maintainer.Index.Count, clock.Elapsed);
        Log.Information(
            "Stopped: packets={Packets} matches={Matches} bad={BadRecords} rejected_table_rows={RejectedRows} employees={EmployeeRows} computers={ComputerRows} watched_macs={WatchedMacs} elapsed={Elapsed}",
            summary.Packets, summary.Matches, summary.BadRecords, summary.RejectedTableRows, summary.EmployeeRows,
            summary.ComputerRows, summary.WatchedMacs, summary.Elapsed);
        return summary;
    }

    private FasterTableStore OpenStore(string name)
    {
        // No checkpoints are recovered yet: the stores are rebuilt from the table topics on every start.
        var dir = Path.Combine(_options.StateDir, name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return new FasterTableStore(dir);
    }
}

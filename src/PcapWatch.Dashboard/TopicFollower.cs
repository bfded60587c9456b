using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;
using PcapWatch.Tools;

namespace PcapWatch.Dashboard;

/// <summary>
/// Reads the output topic (every partition, so every instance's matches) and the index changelog from the beginning,
/// without a group (the dashboard takes nothing from the service's consumers), and feeds <see cref="DashboardState"/>
/// through <see cref="DashboardRecords"/>: a record that cannot be read is counted and skipped, nothing on a topic
/// stops the page.
/// </summary>
internal sealed class TopicFollower : IDisposable
{
    private const int BatchSize = 2_000;

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly DashboardState _state;
    private readonly DashboardRecords _records;
    private readonly TopicNames _topics;
    private readonly ILogger _log;
    private readonly HashSet<TopicPartition> _atEnd = new();
    private readonly int _partitionCount;

    public TopicFollower(DashboardOptions options, DashboardState state, MatchValueDecoder decoder, ILogger log, KafkaConnectivity kafka,
        CancellationToken cancel)
    {
        _state = state;
        _records = new DashboardRecords(state, decoder, options.Topics);
        _topics = options.Topics;
        _log = log;
        var config = ClientSettings.Consumer(options.BootstrapServers, null, options.KafkaProperties);
        config.EnablePartitionEof = true;
        _consumer = KafkaClients.ConsumerBuilder<byte[]?, byte[]?>(config, kafka).Build();
        try
        {
            ClusterWait.UntilReachable(_consumer, () => _consumer.Consume(TimeSpan.Zero), options.BootstrapServers, kafka,
                options.KafkaTimeout, TimeSpan.FromSeconds(10), log, cancel);
            kafka.ReportOutages();
            var wait = options.KafkaTimeout ?? TimeSpan.FromMinutes(1);
            var partitions = TopicPartitions.Of(_consumer, _topics.Output, wait, cancel);
            if (_topics.Changelog.Length > 0)
            {
                try
                {
                    partitions.AddRange(TopicPartitions.Of(_consumer, _topics.Changelog, TimeSpan.FromSeconds(5), cancel));
                }
                catch (KafkaUnavailableException)
                {
                    log.LogWarning("No index topic {Topic}: the page lists employees by their matches only, not who is watched",
                        _topics.Changelog);
                }
            }
            partitions.AddRange(Optional(_topics.Flows, "No flows topic {Topic}: the page shows no flows (run --flows makes them)", cancel));
            _partitionCount = partitions.Count;
            _consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        }
        catch (KafkaUnavailableException ex)
        {
            _consumer.Dispose();
            throw ex.At(options.BootstrapServers);
        }
        catch
        {
            _consumer.Dispose();
            throw;
        }
    }

    public UnreadableRecords Unreadable => _records.Unreadable;

    /// <summary>The partitions of a topic the page can do without; none (said once) when it does not exist.</summary>
    private List<TopicPartition> Optional(string topic, string absent, CancellationToken cancel)
    {
        try
        {
            return TopicPartitions.Of(_consumer, topic, TimeSpan.FromSeconds(5), cancel);
        }
        catch (KafkaUnavailableException)
        {
            _log.LogWarning(absent, topic);
            return [];
        }
    }

    /// <summary>Reads until cancelled.</summary>
    public void Run(CancellationToken cancel)
    {
        var batch = new List<(ConsumeResult<byte[]?, byte[]?> Record, MatchRecord? Match, PcapWatch.Flows.FlowRecord? Flow)>(BatchSize);
        while (!cancel.IsCancellationRequested)
        {
            batch.Clear();
            try
            {
                for (var r = _consumer.Consume(TimeSpan.FromMilliseconds(100)); r is not null; r = _consumer.Consume(TimeSpan.Zero))
                {
                    if (r.IsPartitionEOF)
                    {
                        _atEnd.Add(r.TopicPartition);
                        continue;
                    }
                    _atEnd.Remove(r.TopicPartition);
                    batch.Add((r, _records.Decode(r), _records.DecodeFlow(r)));
                    if (batch.Count == BatchSize) break;
                }
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                _log.LogWarning("Reading the dashboard's topics: {Reason}", ex.Error.Reason);
            }
            Apply(batch);
        }
    }

    private void Apply(List<(ConsumeResult<byte[]?, byte[]?> Record, MatchRecord? Match, PcapWatch.Flows.FlowRecord? Flow)> batch)
    {
        _records.Apply(batch);
        lock (_state.Sync)
        {
            if (!_state.CaughtUp && _atEnd.Count == _partitionCount) _state.CaughtUp = true;
        }
        if (batch.Count > 0) _state.Feed.Signal();
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}

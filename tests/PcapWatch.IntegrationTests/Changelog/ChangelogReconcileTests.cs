using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Changelog;
using PcapWatch.Index;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tables;

namespace PcapWatch.IntegrationTests.Changelog;

/// <summary>
/// The changelog is reconciled beside the packets (its topic read on another thread, compared in steps); these drive
/// the reconcile through the real stores, producer and broker without a service, so that the order of events is the
/// test's to choose.
/// </summary>
public class ChangelogReconcileTests
{
    private const short ProduceApi = 0;
    private const int InvalidRecord = 87; // not retriable: the delivery fails
    private const short ListOffsetsApi = 2;
    private const int UnknownServerError = -1;

    private static string Mac(int i) => $"e0:a1:d7:18:c2:{i:x2}";

    [Test]
    public void An_index_change_while_the_topic_is_being_read_is_published_after_the_reconciled_state()
    {
        using var t = new Tables(watched: 1);
        t.Changelog.BeginReconcile(t.Broker.BootstrapServers, t.Maintainer.Index, null, CancellationToken.None);
        // The computer leaves at once: the reconcile must first publish the state it began from, then the change.
        t.DeleteComputer(0);

        Assert.That(t.Changelog.Reconciling, Is.False, "the index change finished the reconcile");
        Assert.That(t.Written(), Is.EqualTo(new[] { $"{Mac(0)}=Tom0", $"{Mac(0)}=tombstone" }));
    }

    [Test]
    public void A_reconcile_compared_in_steps_is_finished_before_an_index_change_and_misses_no_mac()
    {
        using var t = new Tables(watched: 5);
        t.Changelog.MacsPerStep = 2;
        t.Changelog.BeginReconcile(t.Broker.BootstrapServers, t.Maintainer.Index, null, CancellationToken.None);
        Infrastructure.Kafka.WaitUntil(() =>
        {
            t.Changelog.ReconcileIfRead();
            return t.Changelog.StepsTaken == 1;
        }, TimeSpan.FromSeconds(30), "the topic read and a first step compared");
        Assert.That(t.Changelog.Reconciling, Is.True, "two MACs of five compared");

        t.DeleteComputer(3);

        Assert.That(t.Changelog.Reconciling, Is.False, "the index change finished the reconcile");
        var written = t.Written();
        Assert.That(written.Take(5).Order(), Is.EqualTo(Enumerable.Range(0, 5).Select(i => $"{Mac(i)}=Tom{i}")), "every MAC, once");
        Assert.That(written.Skip(5), Is.EqualTo(new[] { $"{Mac(3)}=tombstone" }), "then the change");
    }

    [Test]
    public void A_failing_read_of_the_topic_delays_the_reconcile_and_stops_nothing()
    {
        using var t = new Tables(watched: 1);
        var partitions = new[] { new Confluent.Kafka.TopicPartition(TopicNames.Default.Changelog, 0) };
        // The read asks where the topic ends (ListOffsets) first: refused, for good, until cleared.
        t.Broker.FailRequests(ListOffsetsApi, 100_000, UnknownServerError);
        t.Changelog.BeginReconcile(t.Broker.BootstrapServers, t.Maintainer.Index, null, CancellationToken.None, partitions);
        Infrastructure.Kafka.WaitUntil(() => t.Changelog.ReadFailures > 1, TimeSpan.FromSeconds(60), "reads that failed");
        Assert.DoesNotThrow(t.Changelog.ReconcileIfRead, "the pipeline's step between batches");
        Assert.That(t.Changelog.Reconciling, Is.True);

        t.Broker.ClearRequestFailures(ListOffsetsApi);
        Infrastructure.Kafka.WaitUntil(() =>
        {
            t.Changelog.ReconcileIfRead();
            return !t.Changelog.Reconciling;
        }, TimeSpan.FromSeconds(60), "the reconcile done once the broker is back");
        Assert.That(t.Written(), Is.EqualTo(new[] { $"{Mac(0)}=Tom0" }));
    }

    [Test]
    public void A_record_refused_while_the_reconcile_is_under_way_is_made_good_by_the_next_reconcile()
    {
        using var t = new Tables(watched: 5);
        t.Changelog.MacsPerStep = 2;
        // The first produce request (the first step's upserts) is refused for good.
        t.Broker.FailRequests(ProduceApi, 1, InvalidRecord);
        t.Changelog.BeginReconcile(t.Broker.BootstrapServers, t.Maintainer.Index, null, CancellationToken.None);
        Infrastructure.Kafka.WaitUntil(() =>
        {
            t.Changelog.ReconcileIfRead();
            return t.Changelog.StepsTaken == 1;
        }, TimeSpan.FromSeconds(30), "the topic read and a first step compared");
        var refused = t.Refused();
        Assert.That(refused, Is.Not.Empty, "a changelog record refused");

        // What the service does on a refused changelog record: reconcile again.
        Assert.That(t.Changelog.Reconcile(t.Broker.BootstrapServers, t.Maintainer.Index, null, CancellationToken.None), Is.True);

        Assert.That(t.Written().Distinct().Order(), Is.EqualTo(Enumerable.Range(0, 5).Select(i => $"{Mac(i)}=Tom{i}")),
            $"every MAC on the topic, the refused {string.Join(", ", refused)} too");
    }

    /// <summary>A broker, two FASTER stores, the maintainer over them and the changelog it tells, with watched
    /// employees Tom0… each on computer i with MAC i (the changelog not yet reconciled).</summary>
    private sealed class Tables : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N"));
        private readonly FasterTableStore _employees;
        private readonly FasterTableStore _computers;
        private readonly Confluent.Kafka.IProducer<byte[], byte[]?> _producer;
        private readonly DeliveryTracker _deliveries = new();
        private readonly TopicNames _topics = TopicNames.Default;

        public Tables(int watched)
        {
            Broker = EmbeddedBroker.Start();
            Broker.CreateTopics(TopicLayout.For(_topics));
            _employees = FasterTableStore.Create(Path.Combine(_dir, "employees"), 1L << 10);
            _computers = FasterTableStore.Create(Path.Combine(_dir, "computers"), 1L << 10);
            _producer = ClientSettings.BuildProducer(Broker.BootstrapServers, null, new KafkaConnectivity());
            Changelog = new WatchChangelog(_producer, _topics.Changelog, _deliveries);
            Maintainer = new WatchIndexMaintainer(_employees, _computers, Changelog);
            for (int i = 0; i < watched; i++)
            {
                Maintainer.Apply(new TableChange<EmployeeRow>($"{100 + i}", new EmployeeRow($"{100 + i}", $"Tom{i}", "YES")));
                Maintainer.Apply(new TableChange<ComputerRow>($"{i}", new ComputerRow($"{i}", $"{i}", $"{100 + i}", Mac(i))));
            }
            Assert.That(Changelog.Listening, Is.False, "nothing is published before a reconcile");
        }

        public EmbeddedBroker Broker { get; }
        public WatchChangelog Changelog { get; }
        public WatchIndexMaintainer Maintainer { get; }

        public void DeleteComputer(int i) => Maintainer.Apply(new TableChange<ComputerRow>($"{i}", null));

        /// <summary>The keys of the records the broker refused, once nothing is in flight.</summary>
        public List<string> Refused()
        {
            var refused = new List<string>();
            _deliveries.Settle(_producer, TimeSpan.FromSeconds(30), CancellationToken.None,
                failed => refused.AddRange(failed.Select(f => System.Text.Encoding.UTF8.GetString(f.Message.Key))), out bool acknowledged);
            Assert.That(acknowledged, Is.True, "the broker answered");
            return refused;
        }

        /// <summary>The changelog topic once every record is acknowledged: "MAC=EMP_NAME" or "MAC=tombstone".</summary>
        public List<string> Written()
        {
            Assert.That(_deliveries.Settle(_producer, TimeSpan.FromSeconds(30), CancellationToken.None, _ => Assert.Fail("refused"), out _), Is.True);
            return Infrastructure.Kafka.ReadAll(Broker.BootstrapServers, _topics.Changelog)
                .Select(r => $"{r.Key}={(r.Value is { } v ? v.GetProperty("EMP_NAME").GetString() : "tombstone")}").ToList();
        }

        public void Dispose()
        {
            Changelog.Dispose();
            _producer.Dispose();
            _computers.Dispose();
            _employees.Dispose();
            Broker.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}

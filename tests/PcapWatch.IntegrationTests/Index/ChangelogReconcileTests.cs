using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tables;

namespace PcapWatch.IntegrationTests.Index;

/// <summary>
/// The changelog is reconciled beside the packets (its topic read on another thread); these drive the reconcile through
/// the real stores, producer and broker without a service, so that the order of events is the test's to choose.
/// </summary>
public class ChangelogReconcileTests
{
    private const string MacA = "e0:a1:d7:18:c2:72";

    [Test]
    public void An_index_change_while_the_topic_is_being_read_is_published_after_the_reconciled_state()
    {
        using var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopics(TopicLayout.For(topics));
        var dir = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var employees = FasterTableStore.Create(Path.Combine(dir, "employees"), 1L << 10);
            using var computers = FasterTableStore.Create(Path.Combine(dir, "computers"), 1L << 10);
            using var producer = ClientSettings.BuildProducer(broker.BootstrapServers, null, new KafkaConnectivity());
            var deliveries = new DeliveryTracker();
            using var changelog = new WatchChangelog(producer, topics.Changelog, deliveries);
            var maintainer = new WatchIndexMaintainer(employees, computers, changelog);
            maintainer.Apply(new TableChange<EmployeeRow>("100", new EmployeeRow("100", "Tom", "YES")));
            maintainer.Apply(new TableChange<ComputerRow>("1", new ComputerRow("1", "1", "100", MacA)));
            Assert.That(changelog.Listening, Is.False, "nothing is published before a reconcile");

            changelog.BeginReconcile(broker.BootstrapServers, maintainer.Index, null, CancellationToken.None);
            // The computer leaves at once: the reconcile must first publish the state it began from, then the change.
            maintainer.Apply(new TableChange<ComputerRow>("1", null));

            Assert.That(changelog.Reconciling, Is.False, "the index change finished the reconcile");
            Assert.That(deliveries.Settle(producer, TimeSpan.FromSeconds(30), CancellationToken.None, _ => Assert.Fail("refused"), out _), Is.True);
            var written = Infrastructure.Kafka.ReadAll(broker.BootstrapServers, topics.Changelog)
                .Select(r => $"{r.Key}={(r.Value is { } v ? v.GetProperty("EMP_NAME").GetString() : "tombstone")}");
            Assert.That(written, Is.EqualTo(new[] { $"{MacA}=Tom", $"{MacA}=tombstone" }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

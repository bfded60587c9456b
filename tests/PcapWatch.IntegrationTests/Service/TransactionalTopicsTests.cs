using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using Topics = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// Topics written with exactly-once on (every partition ends in a commit marker no consumer receives as a record):
/// the tables become current, packets match, the group commits to the end, and the read-to-end tools finish. Aborted
/// rows must never count. (The embedded broker drops aborted data itself, so the abort cases show the shape of the
/// guarantee — read_committed — rather than prove it; with real Kafka the consumer's isolation level does the work.)
/// </summary>
public class TransactionalTopicsTests
{
    private const string Tom = "e0:a1:d7:18:c2:72";
    private const string Ann = "e0:a1:d7:18:c2:73";

    [Test]
    public void Tables_written_in_transactions_become_current_and_aborted_rows_never_count()
    {
        using var h = new ServiceHarness();
        using (var tx = new Transactions(h.Broker.BootstrapServers))
        {
            tx.Committed(h.Topics.Employees, ("100", """{"key":"100","name":"Tom","watch_flag":"YES"}"""));
            tx.Aborted(h.Topics.Employees, ("200", """{"key":"200","name":"Ann","watch_flag":"YES"}"""));
            tx.Committed(h.Topics.Computers, ("1", $$"""{"comp_id":1,"empkey":"100","macaddr":"{{Tom}}"}"""),
                ("2", $$"""{"comp_id":2,"empkey":"200","macaddr":"{{Ann}}"}"""));
            tx.Aborted(h.Topics.Computers, ("1", $$"""{"comp_id":1,"empkey":"200","macaddr":"{{Tom}}"}"""));
        }

        h.Start(); // fails unless the tables become current: the partitions end in markers, not records
        Assert.That(h.Service.Progress.TablesCurrent, Is.True);
        h.Packets(ServiceHarness.Burst(Tom, "tom", 3));
        h.Packets(ServiceHarness.Burst(Ann, "ann", 3));
        h.Stop();

        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["tom"] = 3 }));
        Assert.That(h.Output().Select(r => r.GetProperty("C_EMP_NAME").GetString()).Distinct(), Is.EqualTo(new[] { "Tom" }));
    }

    [Test]
    public void A_restart_resumes_a_transactional_table_from_its_checkpoint_past_the_markers()
    {
        using var h = new ServiceHarness();
        using (var tx = new Transactions(h.Broker.BootstrapServers))
        {
            tx.Committed(h.Topics.Employees, ("100", """{"key":"100","name":"Tom","watch_flag":"YES"}"""));
            tx.Committed(h.Topics.Computers, ("1", $$"""{"comp_id":1,"empkey":"100","macaddr":"{{Tom}}"}"""));
        }
        h.Start();
        h.Stop();
        h.Start();
        h.Packets(ServiceHarness.Burst(Tom, "after-restart", 2));
        var summary = h.Stop();
        Assert.That(summary.EmployeeRows, Is.EqualTo(1));
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["after-restart"] = 2 }));
    }

    [Test]
    public void Packets_written_in_transactions_match_and_the_group_commits_past_the_markers()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", Tom);
        h.Start();
        using (var tx = new Transactions(h.Broker.BootstrapServers))
        {
            tx.Aborted(h.Topics.Pcap, ServiceHarness.Burst(Tom, "aborted", 4));
            long before = h.Service.Progress.Packets;
            tx.Committed(h.Topics.Pcap, ServiceHarness.Burst(Tom, "committed", 4));
            Topics.WaitUntil(() => h.Service.Progress.Packets >= before + 4, TimeSpan.FromSeconds(30), "committed packets consumed");
        }
        // Committed up to each partition's end, which lies past its last marker: the group shows no lag.
        Topics.WaitForCommittedToEnd(h.Broker.BootstrapServers, "pcapwatch", h.Topics.Pcap, TimeSpan.FromSeconds(30));
        h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["committed"] = 4 }));
    }

    [Test]
    public void Reading_a_transactional_topic_to_its_end_finishes()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopic("tx-out", 3);
        using (var tx = new Transactions(broker.BootstrapServers))
        {
            tx.Committed("tx-out", Enumerable.Range(0, 6).Select(i => ((string?)$"k{i}", (string?)$$"""{"n":{{i}}}""")).ToArray());
            tx.Aborted("tx-out", ("k9", """{"n":9}"""));
        }
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        TopicSnapshot.Read(broker.BootstrapServers, "tx-out", null, null, r => seen.Add(System.Text.Encoding.UTF8.GetString(r.Message.Key!)),
            cancel.Token);
        Assert.That(seen, Is.EquivalentTo(Enumerable.Range(0, 6).Select(i => $"k{i}")));
    }
}

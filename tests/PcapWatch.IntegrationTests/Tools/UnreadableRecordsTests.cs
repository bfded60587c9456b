using System.Text;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Output;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Tools;

/// <summary>
/// Records nobody should have written, where the tools read: each is counted and skipped with a warning, and the
/// tools still answer from the good ones and exit 0. And a table row's dead letter that the broker has not
/// acknowledged keeps the checkpoint from moving past that row.
/// </summary>
public class UnreadableRecordsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>What a bad record is to the tools: JSON text cannot be read from it at all, or it is JSON but no output row.</summary>
    private enum Bad { NotJson, LoneSurrogateInAColumn, NoColumns }

    [Test]
    public void Tail_report_and_who_skip_what_they_cannot_read_and_answer_from_the_rest()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, output: 1));
        var good = """{"P_FRAME_TIME":"t","P_FRAME_LEN":"60","P_FRAME_PROTOCOLS":"eth:ip:tcp","P_ETH_SRC":"02:50:57:00:00:02","P_IP_SRC":"10.0.0.2","P_IP_DST":"10.0.0.1","C_EMP_ID":"E1","C_EMP_NAME":"Alice","C_MACADDR":"02:50:57:00:00:02"}""";
        var output = TopicNames.Default.Output;
        (string Value, Bad Kind)[] bad =
        [
            ("""{"C_EMP_NAME":"\ud83d","P_FRAME_PROTOCOLS":"x"}""", Bad.LoneSurrogateInAColumn),
            ("""{"\udc00":1}""", Bad.NoColumns),
            ("not json", Bad.NotJson),
            ("{\"C_EMP_NAME\":[1,2],\"P_FRAME_PROTOCOLS\":{}}", Bad.NoColumns),
        ];
        KafkaTest.Produce(broker.BootstrapServers, output, [.. bad.Select(b => Encoding.UTF8.GetBytes(b.Value)), Encoding.UTF8.GetBytes(good)]);
        // Any timestamp at all, and an index row no .NET string can hold: counted or read, never the end of a tool.
        KafkaTest.ProduceTimed(broker.BootstrapServers, output, [(Encoding.UTF8.GetBytes(good.Replace("Alice", "Alice Later")),
            new Confluent.Kafka.Timestamp(253_402_300_800_000, Confluent.Kafka.TimestampType.CreateTime))]);
        KafkaTest.Produce(broker.BootstrapServers, TopicNames.Default.Changelog,
            [("02:50:57:00:00:02", """{"EMP_ID":"E1","EMP_NAME":"\ud83d","COMP_ID":"1"}""")]);
        int Count(params Bad[] kinds) => bad.Count(b => kinds.Contains(b.Kind));

        // tail prints any JSON row (missing columns as null, as ksqlDB's SELECT does); what it cannot print, it counts.
        using (var tail = CliProcess.Start("tail", "-b", broker.BootstrapServers, "--from-beginning", "--exit-at-end"))
        {
            Assert.That(tail.WaitForExit(Patience), Is.Zero, () => string.Join("\n", tail.Stderr));
            Assert.That(tail.Stdout, Has.Some.Contains("Alice"));
            Assert.That(tail.Stdout, Has.Length.EqualTo(2 + Count(Bad.NoColumns)), "the good rows and the JSON ones");
            Assert.That(SummaryOf(tail, "Tail: ").Long("Unreadable"), Is.EqualTo(Count(Bad.NotJson, Bad.LoneSurrogateInAColumn)));
            Assert.That(SummaryOf(tail, "Tail: ").Long("Unverifiable"), Is.EqualTo(bad.Length + 2), "no record here has an origin: each counted");
        }
        // report and who use rows: every bad record is either unreadable or no row, and counted as such.
        using (var report = CliProcess.Start("report", "-b", broker.BootstrapServers))
        {
            Assert.That(report.WaitForExit(Patience), Is.Zero, () => string.Join("\n", report.Stderr));
            Assert.That(report.Stdout, Has.Some.Contains("Alice"));
            Assert.That(report.Stdout, Has.Some.StartsWith("9999-12-31 23:59:59 | Alice Later"), "a time past 9999, said as the last a date can say");
            var summary = SummaryOf(report, "Report: ");
            Assert.That(summary.Long("Unreadable"), Is.EqualTo(Count(Bad.LoneSurrogateInAColumn)));
            Assert.That(summary.Long("Skipped"), Is.EqualTo(Count(Bad.NotJson, Bad.NoColumns)));
            Assert.That(summary.Long("Records"), Is.EqualTo(bad.Length + 2));
            Assert.That(summary.Long("Unverifiable"), Is.EqualTo(bad.Length + 2));
        }
        using (var who = CliProcess.Start("who", "-b", broker.BootstrapServers, "10.0.0.2"))
        {
            Assert.That(who.WaitForExit(Patience), Is.Zero, () => string.Join("\n", who.Stderr));
            Assert.That(string.Join("\n", who.Stdout), Does.Contain("02:50:57:00:00:02").And.Contain("9999-12-31T23:59:59.999"));
            var summary = SummaryOf(who, "Who: ");
            Assert.That(summary.Long("Unreadable"), Is.EqualTo(Count(Bad.LoneSurrogateInAColumn) + 1), "and the index row");
            Assert.That(summary.Long("NotRows"), Is.EqualTo(Count(Bad.NotJson, Bad.NoColumns)));
            Assert.That(summary.Long("Unverifiable"), Is.EqualTo(bad.Length + 2));
        }
    }

    private static System.Text.Json.JsonElement SummaryOf(CliProcess tool, string templateStart)
    {
        var events = tool.Events.Where(e => LogEvents.Render(e).StartsWith(templateStart, StringComparison.Ordinal)).ToArray();
        Assert.That(events, Has.Length.EqualTo(1), () => $"one '{templateStart}' summary; log:\n" + string.Join("\n", tool.Logs));
        return events[0];
    }

    [Test]
    public void A_table_rows_unacknowledged_dead_letter_keeps_the_checkpoint_behind_it()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Start();
        h.Stop(); // checkpointed: the employees table resumes after Tom's row

        KafkaTest.Produce(h.Broker.BootstrapServers, h.Topics.Employees, [Encoding.UTF8.GetBytes("{\"key\":\"1\",\"name\":\"\\ud83d\"}")]);
        // From now on the broker keeps every produce request waiting: the row's dead letter stays unacknowledged.
        h.Broker.FailRequests(0, 100_000, 19);
        h.Start(configure: o => o with { ShutdownTimeout = TimeSpan.FromSeconds(2) });
        h.Stop();
        Assert.That(KafkaTest.ReadRaw(h.Broker.BootstrapServers, h.Topics.EmployeesDeadLetters), Is.Empty);

        // After a restart the row is read again, because the checkpoint did not move past it, and dead-lettered.
        h.Broker.ClearRequestFailures(0);
        h.Start();
        KafkaTest.WaitUntil(() => KafkaTest.ReadRaw(h.Broker.BootstrapServers, h.Topics.EmployeesDeadLetters).Count == 1, Patience,
            "the dead letter delivered");
        h.Stop();
        var letter = KafkaTest.ReadRaw(h.Broker.BootstrapServers, h.Topics.EmployeesDeadLetters).Single();
        Assert.That(letter.Headers[DeadLetterWriter.ReasonHeader], Is.EqualTo("invalid_escape"));
    }

    [Test]
    public void Produce_stops_at_a_bad_table_line_with_one_line_naming_it_and_delivers_what_came_before()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        var file = Path.Combine(Path.GetTempPath(), "pcapwatch-bad-lines-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, "1:{\"key\":\"1\",\"name\":\"Ann\"}\nno colon here\n3:{\"key\":\"3\"}\n");
        try
        {
            using var produce = CliProcess.Start("produce", "-b", broker.BootstrapServers, "--topic", "employees", "--file", file);
            Assert.That(produce.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", produce.Stderr));
            var lines = produce.Logs.Where(l => l.Length > 0).ToArray();
            Assert.That(lines, Has.Length.EqualTo(1), "one line, no stack trace");
            Assert.That(lines[0], Does.Contain(file).And.Contain("line 2"));
            Assert.That(KafkaTest.ReadRaw(broker.BootstrapServers, "employees").Select(r => Encoding.UTF8.GetString(r.Value!)),
                Is.EqualTo(new[] { "{\"key\":\"1\",\"name\":\"Ann\"}" }), "the line before it delivered, nothing after it");
        }
        finally
        {
            File.Delete(file);
        }
    }
}

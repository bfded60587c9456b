using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Dashboard;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tools;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// Records anyone can write to the topics the page reads, through a real dashboard on the embedded broker: an index row
/// whose name is half an emoji, a match stamped past the year 9999, control characters in a name and a protocol. The page
/// counts what it cannot read, keeps its windows where the plausible matches are, draws the chart, and does all of it
/// again after a restart (which reads the topics from the beginning).
/// </summary>
public class DashboardHostileRecordsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Alice = "02:50:57:00:00:02";

    private static byte[] Match(string name, string protocols, string frameTime) => Encoding.UTF8.GetBytes(
        $$"""{"P_FRAME_TIME":"{{frameTime}}","P_FRAME_LEN":"60","P_FRAME_PROTOCOLS":"{{protocols}}","P_IP_SRC":"10.0.0.2","P_IP_DST":"10.0.0.1","C_EMP_ID":"E1","C_EMP_NAME":"{{name}}","C_MACADDR":"{{Alice}}"}""");

    [Test]
    public async Task Hostile_records_are_counted_and_the_page_answers_before_and_after_a_restart()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, output: 1));
        var b = broker.BootstrapServers;
        var topics = TopicNames.Default;
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        KafkaTest.Produce(b, topics.Changelog, [(Alice, """{"EMP_ID":"E1","EMP_NAME":"\ud83d","EMP_KEY":"E1","COMP_ID":"1"}""")]);
        KafkaTest.ProduceTimed(b, topics.Output, [
            (Match("Alice \\u0001", "eth:ip:tcp:h\\u0007ttp", "good-1"), new Timestamp(now, TimestampType.CreateTime)),
            (Match("Alice", "eth:ip:udp:dns", "year-10000"), new Timestamp(253_402_300_800_000, TimestampType.CreateTime)),
            (Match("Alice", "eth:ip:tcp:http", "good-2"), new Timestamp(now + 1, TimestampType.CreateTime)),
        ]);

        foreach (var start in new[] { "first", "restart" })
        {
            await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions
            {
                BootstrapServers = b, Port = 0, KafkaTimeout = TimeSpan.FromSeconds(30),
            }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
            using var http = new HttpClient { BaseAddress = dashboard.Address };
            JsonElement Get(string path) => JsonDocument.Parse(http.GetStringAsync(path).GetAwaiter().GetResult()).RootElement;
            KafkaTest.WaitUntil(() => Get("api/health").GetProperty("caughtUp").GetBoolean() || dashboard.Reading.IsCompleted, Patience,
                $"the {start} dashboard caught up");
            Assert.That(dashboard.Reading.IsCompleted, Is.False, () => $"the {start} reader stopped: {dashboard.Reading.Exception}");

            var health = Get("api/health");
            Assert.That((health.GetProperty("matchesRead").GetInt64(), health.GetProperty("unreadableRecords").GetInt64(),
                health.GetProperty("futureStamped").GetInt64()), Is.EqualTo((3L, 1L, 1L)), $"{start}: read, counted, counted");
            var summary = Get("api/summary?window=15m");
            Assert.That(summary.GetProperty("to").GetDateTimeOffset(), Is.LessThan(DateTimeOffset.UtcNow.AddDays(1)),
                "the windows end at the newest plausible match");
            Assert.That(summary.GetProperty("employees").EnumerateArray().Single().GetProperty("packets").GetInt64(), Is.EqualTo(2));

            using var chart = await http.GetAsync("api/chart?emp=E1&window=15m");
            Assert.That(chart.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var svg = XDocument.Parse(await chart.Content.ReadAsStringAsync());
            Assert.That(svg.Descendants().Select(e => e.Value), Has.Some.Contains("h\uFFFDttp"), "what XML cannot carry is replaced");
            using var feed = await http.GetAsync("api/matches/recent?limit=10");
            Assert.That(feed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }
}

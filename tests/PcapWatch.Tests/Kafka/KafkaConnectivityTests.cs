using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.Tests.Kafka;

/// <summary>
/// How librdkafka's callbacks become what a person reads: an outage once when it starts and once when it ends, the
/// per-retry lines at Debug, refusals kept. Fed with librdkafka's own error texts and statistics layout.
/// </summary>
public class KafkaConnectivityTests
{
    private const string Refused = "127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)";

    private static string Statistics(long time, string state) =>
        $$$"""{"name":"rdkafka#consumer-1","time":{{{time}}},"brokers":{"127.0.0.1:9092/1":{"name":"127.0.0.1:9092/1","nodeid":1,"nodename":"127.0.0.1:9092","state":"{{{state}}}"}},"topics":{}}""";

    private static (KafkaConnectivity Kafka, FakeLogger Log) Reporting()
    {
        var log = new FakeLogger();
        var kafka = new KafkaConnectivity(log);
        kafka.ReportOutages();
        return (kafka, log);
    }

    private static List<string> Said(FakeLogger log, LogLevel atLeast) =>
        log.Collector.GetSnapshot().Where(r => r.Level >= atLeast).Select(r => r.Message).ToList();

    [Test]
    public void Many_failed_attempts_are_one_warning_and_the_return_is_one_line()
    {
        var (kafka, log) = Reporting();
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (int i = 0; i < 50; i++) kafka.OnError("rdkafka#consumer-1", new Error(ErrorCode.Local_Transport, Refused));
        kafka.OnStatistics(Statistics(now + 1, "CONNECT"));
        Assert.That(kafka.HasOutage, Is.True);
        kafka.OnStatistics(Statistics(now + 2, "UP"));
        Assert.That(kafka.HasOutage, Is.False);
        Assert.That(Said(log, LogLevel.Information), Is.EqualTo(new[]
        {
            "Kafka broker 127.0.0.1:9092 unreachable: Connection refused; retrying until it is back",
            Said(log, LogLevel.Information)[1],
        }));
        Assert.That(Said(log, LogLevel.Information)[1], Does.StartWith("Kafka broker 127.0.0.1:9092 reachable again after"));
    }

    [Test]
    public void Statistics_taken_before_the_outage_began_do_not_end_it()
    {
        var (kafka, _) = Reporting();
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        kafka.OnError("rdkafka#producer-2", new Error(ErrorCode.Local_Transport, Refused));
        kafka.OnStatistics(Statistics(before, "UP")); // another client's, taken just before it lost the broker
        Assert.That(kafka.HasOutage, Is.True);
    }

    [Test]
    public void librdkafkas_line_per_failed_attempt_drops_to_debug()
    {
        var (kafka, log) = Reporting();
        kafka.OnLog("rdkafka#consumer-1", new LogMessage("rdkafka#consumer-1", SyslogLevel.Error, "FAIL", Refused));
        Assert.That(log.Collector.GetSnapshot().Single().Level, Is.EqualTo(LogLevel.Debug));
    }

    [Test]
    public void A_refused_login_is_kept_and_not_told_as_an_outage()
    {
        var (kafka, log) = Reporting();
        kafka.OnError("rdkafka#consumer-1", new Error(ErrorCode.Local_Authentication,
            "sasl_ssl://kafka:9093/bootstrap: SASL authentication error: Authentication failed (after 12ms in state AUTH_REQ)"));
        Assert.That(kafka.Refusal, Is.EqualTo(new KafkaError(ErrorCode.Local_Authentication, "SASL authentication error: Authentication failed")));
        Assert.That(kafka.HasOutage, Is.False);
        Assert.That(Said(log, LogLevel.Information), Is.Empty, "the caller stops with it, in one line");
    }

    [Test]
    public void Before_start_up_ends_outages_are_tracked_silently()
    {
        var log = new FakeLogger();
        var kafka = new KafkaConnectivity(log);
        kafka.OnError("rdkafka#consumer-1", new Error(ErrorCode.Local_Transport, Refused));
        Assert.That(kafka.LastProblem, Is.EqualTo("Connection refused"));
        Assert.That(Said(log, LogLevel.Information), Is.Empty, "the waiting loop says it, once per interval");
    }
}

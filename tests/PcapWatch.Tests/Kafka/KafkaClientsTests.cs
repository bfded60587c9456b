using System.Reflection;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Testing;
using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.Tests.Kafka;

/// <summary>
/// librdkafka calls the log handler from its own threads, also while <c>rd_kafka_new</c> is still running (a refused
/// connection is logged before the constructor returns). The client object passed then has no handle yet: asking it
/// for anything (its Name) throws on a thread the runtime cannot unwind, and the process died with SIGSEGV. The
/// builders' handler is taken out of them here and called as librdkafka would then: with no usable client.
/// </summary>
public class KafkaClientsTests
{
    private static readonly LogMessage Refused = new("rdkafka#producer-1", SyslogLevel.Error, "FAIL",
        "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)");

    [Test]
    public void A_producer_log_line_during_construction_reaches_the_log_without_touching_the_client()
    {
        var log = new FakeLogger();
        var builder = KafkaClients.ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = "127.0.0.1:1" }, new KafkaConnectivity(log));
        var handler = HandlerOf<Action<IProducer<byte[], byte[]>, LogMessage>>(builder);
        Assert.DoesNotThrow(() => handler(null!, Refused));
        Assert.That(log.Collector.GetSnapshot().Single().Message, Does.StartWith("rdkafka#producer-1 FAIL: 127.0.0.1:1/bootstrap"));
    }

    [Test]
    public void A_consumer_log_line_during_construction_reaches_the_log_without_touching_the_client()
    {
        var log = new FakeLogger();
        var builder = KafkaClients.ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = "127.0.0.1:1", GroupId = "g" },
            new KafkaConnectivity(log));
        var handler = HandlerOf<Action<IConsumer<byte[], byte[]>, LogMessage>>(builder);
        Assert.DoesNotThrow(() => handler(null!, Refused));
        Assert.That(log.Collector.GetSnapshot().Single().Message, Does.StartWith("rdkafka#producer-1 FAIL: 127.0.0.1:1/bootstrap"));
    }

    // The builders keep the handler in a protected property: reflection is the only way to call it without librdkafka.
    private static T HandlerOf<T>(object builder) =>
        (T)builder.GetType().GetProperty("LogHandler", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(builder)!;
}

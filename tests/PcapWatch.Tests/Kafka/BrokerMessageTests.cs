using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.Tests.Kafka;

/// <summary>librdkafka's per-broker error text, as it comes (these lines were taken from its logs), made readable.</summary>
public class BrokerMessageTests
{
    [TestCase("127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)",
        "127.0.0.1:1", "Connection refused")]
    [TestCase("sasl_plaintext://127.0.0.1:34661/bootstrap: Failed to initialize SASL authentication: SASL Handshake not supported by broker (required by mechanism PLAIN) (after 0ms in state AUTH_LEGACY)",
        "127.0.0.1:34661", "Failed to initialize SASL authentication: SASL Handshake not supported by broker (required by mechanism PLAIN)")]
    [TestCase("kafka-1.example:9093/2: Disconnected (after 61234ms in state UP, 3 identical error(s) suppressed)",
        "kafka-1.example:9093", "Disconnected")]
    public void A_per_broker_reason_names_the_broker_and_what_happened(string reason, string broker, string text)
    {
        Assert.That(BrokerMessage.TryParse(reason, out var b, out var t), Is.True);
        Assert.That((b, t), Is.EqualTo((broker, text)));
    }

    [Test]
    public void A_reason_for_no_broker_in_particular_is_kept_as_it_is()
    {
        Assert.That(BrokerMessage.TryParse("1/1 brokers are down", out _, out var text), Is.False);
        Assert.That(text, Is.EqualTo("1/1 brokers are down"));
    }
}

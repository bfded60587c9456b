using PcapWatch.Broker;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>An embedded broker with the default topics (two pcap partitions) and Tom's one computer watched.</summary>
internal static class TomWatched
{
    public const string Mac = "e0:a1:d7:18:c2:72";

    public static EmbeddedBroker Broker()
    {
        var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopics(TopicLayout.For(topics, pcap: 2));
        Kafka.Produce(broker.BootstrapServers, topics.Employees, [("100", """{"key":"100","name":"Tom","watch_flag":"YES"}""")]);
        Kafka.Produce(broker.BootstrapServers, topics.Computers, [("1", $$"""{"comp_id":1,"empkey":"100","macaddr":"{{Mac}}"}""")]);
        return broker;
    }
}

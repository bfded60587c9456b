using PcapWatch.Kafka;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>The routed fixture's tables with their history (samples/routed-employees.txt, routed-computers-history.txt).</summary>
internal static class RoutedTables
{
    /// <summary>Every row as the files hold them: valid from before the capture, alice's laptop handed to Dave at its mark.</summary>
    public static void Produce(string bootstrap, TopicNames topics)
    {
        Kafka.Produce(bootstrap, topics.Employees, RoutedFixture.SampleTable("routed-employees.txt"));
        Kafka.Produce(bootstrap, topics.Computers, RoutedFixture.SampleTable("routed-computers-history.txt"));
    }
}

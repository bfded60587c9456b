using PcapWatch.Kafka;

namespace PcapWatch.Broker;

/// <summary>
/// Every topic PcapWatch reads or writes, with a partition count: what the embedded broker creates (the `broker`
/// command, the demo, tests, benchmarks). One place, so no host forgets a topic the service refuses to start without.
/// </summary>
public static class TopicLayout
{
    public static Dictionary<string, int> For(TopicNames topics, int pcap = 8, int employees = 1, int computers = 1, int output = 4) => new()
    {
        [topics.Pcap] = pcap,
        [topics.Employees] = employees,
        [topics.Computers] = computers,
        [topics.Output] = output,
        [topics.Changelog] = 1,
        [topics.IpMacBindings] = 1,
        [topics.IpNames] = 1,
        [topics.WatchedPackets] = output,
        [topics.Flows] = output,
        [topics.FlowCheckpoints] = output,
        [topics.DashboardAudit] = 1,
        [topics.PcapDeadLetters] = 1,
        [topics.EmployeesDeadLetters] = 1,
        [topics.ComputersDeadLetters] = 1,
    };

    /// <summary>Parses <c>pcap=8,employees=1</c> (TOPIC=N, comma-separated) over <paramref name="layout"/>.</summary>
    public static Dictionary<string, int> Override(Dictionary<string, int> layout, string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return layout;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || pieces[0].Length == 0 || !int.TryParse(pieces[1], out int n) || n < 1 || n > 4096)
            {
                throw new ArgumentException($"--partitions: '{part}' is not TOPIC=N with 1 <= N <= 4096");
            }
            layout[pieces[0]] = n;
        }
        return layout;
    }
}

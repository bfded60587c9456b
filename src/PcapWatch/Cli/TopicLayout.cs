using PcapWatch.Kafka;

namespace PcapWatch.Cli;

/// <summary>Parses <c>pcap=8,employees=1,computers=1</c> into topic → partitions, over the defaults.</summary>
internal static class TopicLayout
{
    public static Dictionary<string, int> Defaults(TopicNames topics) => new()
    {
        [topics.Pcap] = 8,
        [topics.Employees] = 1,
        [topics.Computers] = 1,
        [topics.Output] = 4,
        [topics.Changelog] = 1,
        [topics.PcapDeadLetters] = 1,
        [topics.EmployeesDeadLetters] = 1,
        [topics.ComputersDeadLetters] = 1,
    };

    public static Dictionary<string, int> Parse(string? spec, TopicNames topics)
    {
        var layout = Defaults(topics);
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

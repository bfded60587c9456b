using System.CommandLine;
using System.Net;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Kafka;
using PcapWatch.Packets;

using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary><c>who MAC|IP</c>: which watched employee an address belongs to now, and where it was last seen.</summary>
internal static class WhoCommand
{
    public static Command Create()
    {
        var reader = new OutputReaderOptions();
        var addresses = new Argument<string[]>("address")
        {
            Description = "MAC addresses (any spelling) or IP addresses",
            Arity = ArgumentArity.OneOrMore,
        };
        var changelog = CommonOptions.ChangelogTopic();
        var command = new Command("who", "Which watched employee, if any, a MAC belongs to now (from the index the service "
            + "publishes to COMP_WATCH_BY_MACADDR), and the last IP seen for it in the matched traffic; for an IP, the watched "
            + "computer last seen with it. Exit code 0 when every address is watched (or seen), 4 otherwise."
            + CommonOptions.Examples(
                "pcapwatch who -b localhost:9092 02:50:57:00:00:02",
                "pcapwatch who -b localhost:9092 0250.5700.0002 10.0.0.2"))
        {
            addresses, changelog,
        };
        reader.AddTo(command);
        command.SetAction(parse =>
        {
            var (settings, servers, timeout) = reader.Load(parse);
            var queries = parse.GetValue(addresses)!;
            foreach (var q in queries)
            {
                if (!MacAddress.TryParse(q, out _) && !IPAddress.TryParse(q, out _))
                {
                    throw new SettingsException($"'{q}' is neither a MAC address nor an IP address");
                }
            }
            using var signal = new ShutdownSignal();
            using var decoder = new MatchValueDecoder(settings.SchemaRegistry);
            var topics = TopicNames.Default with { Changelog = parse.GetValue(changelog)! };
            var lookup = WatchLookup.Read(servers, topics, settings.Kafka.Consumer, decoder, signal.Token, timeout);
            bool allFound = true;
            foreach (var q in queries) allFound &= Answer(lookup, q, Console.Out);
            Console.Out.Flush();
            return allFound ? ExitCodes.Ok : ExitCodes.NotWatched;
        });
        return command;
    }

    private static bool Answer(WatchLookup lookup, string query, TextWriter output)
    {
        if (MacAddress.TryParse(query, out var mac))
        {
            var (owner, last) = lookup.ByMac(mac);
            var seen = last is null ? "never seen in matched traffic" : $"last IP {last.Ip ?? "(none)"} at {last.When.UtcDateTime:O}";
            output.WriteLine(owner is null
                ? $"{mac}  not watched{(last is null ? "" : $" (was {last.EmpName} ({last.EmpId}); {seen})")}"
                : $"{mac}  watched: {owner.EmpName} ({owner.EmpId}), computer {owner.CompId}; {seen}");
            return owner is not null;
        }
        var ip = IPAddress.Parse(query);
        var (ipOwner, sighting) = lookup.ByIp(ip);
        if (sighting is null)
        {
            output.WriteLine($"{ip}  not seen in matched traffic");
            return false;
        }
        var now = ipOwner is null ? "no longer watched" : $"watched: {ipOwner.EmpName} ({ipOwner.EmpId})";
        output.WriteLine($"{ip}  last seen on {sighting.Mac} at {sighting.When.UtcDateTime:O}, {now}");
        return true;
    }
}

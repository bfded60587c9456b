using System.Net;
using PcapWatch.Cli.Configuration;
using PcapWatch.Flows;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary>
/// <c>who ADDRESS --flows [--from T] [--to T]</c>: the flows (run --flows) of a MAC, or with an IP address on either end,
/// that overlap a time range: one line each, oldest first, with the newest record of each (a flow still open says
/// <c>active</c>).
/// </summary>
internal static class WhoFlows
{
    public static int Run(string servers, IReadOnlyDictionary<string, string>? kafkaProperties, TimeSpan? timeout, string topic, string[] queries,
        DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancel)
    {
        var wanted = queries.Select(Matcher).ToList();
        long fromUs = from is { } f ? f.ToUnixTimeMilliseconds() * 1000 : long.MinValue;
        long toUs = to is { } t ? t.ToUnixTimeMilliseconds() * 1000 : long.MaxValue;
        if (fromUs > toUs) throw new SettingsException("--from is after --to");
        bool InRange(FlowRecord r) => r.LastUs >= fromUs && r.FirstUs <= toUs;
        var lookup = FlowLookup.Read(servers, topic, r => InRange(r) && wanted.Any(w => w(r)), Hosting.ToolLogging.Kafka,
            Hosting.ToolLogging.Loggers.CreateLogger("PcapWatch.Tools.FlowLookup"), kafkaProperties, cancel, timeout);
        var view = new FlowView(json: false);
        bool allFound = true;
        for (int i = 0; i < queries.Length; i++)
        {
            var flows = lookup.Flows.Where(wanted[i]).ToList();
            allFound &= flows.Count > 0;
            Console.Out.WriteLine($"{queries[i]}  {flows.Count} flows{Range(from, to)}");
            foreach (var flow in flows) Console.Out.WriteLine($"  {FlowText.Time(flow.FirstUs)}  {view.Render(flow)}");
        }
        Console.Out.Flush();
        if (lookup.Unreadable > 0 || lookup.Repeats > 0)
        {
            Serilog.Log.Information("Who: {Repeats} repeated flow records counted once, {Unreadable} unreadable records skipped",
                lookup.Repeats, lookup.Unreadable);
        }
        return allFound ? ExitCodes.Ok : ExitCodes.NotWatched;
    }

    private static string Range(DateTimeOffset? from, DateTimeOffset? to) =>
        from is null && to is null ? "" : $" between {from?.UtcDateTime.ToString("O") ?? "the start"} and {to?.UtcDateTime.ToString("O") ?? "now"}";

    private static Func<FlowRecord, bool> Matcher(string query)
    {
        if (MacAddress.TryParse(query, out var mac)) return r => r.Host == mac;
        if (IPAddress.TryParse(query, out var address))
        {
            var ip = IpAddressKey.From(address);
            return r => r.LocalIp == ip || r.RemoteIp == ip;
        }
        throw new SettingsException($"'{query}' is neither a MAC address nor an IP address (who --flows)");
    }
}

using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Issue "From packets to sessions": <c>demo --flows</c> as a process prints flow records instead of matches — the
/// packet stage's WATCHED_EMP_PACKETS made into flows, closed with <c>end</c> where the input ends — and their totals per
/// 5-tuple are tshark's conversation statistics, every host of the capture watched.
/// </summary>
public class DemoFlowsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [TestCase("netns-lan")]
    [TestCase("names-lan")]
    public void Flows_printed_as_json_are_tsharks_conversations(string capture)
    {
        var input = TestData.Fixture($"{capture}.json.ndjson");
        var lines = TestData.Lines(input);
        using var tables = new WatchedTables(FlowSamples.Hosts(lines));
        using var demo = CliProcess.Start(["demo", "--flows", "--format", "json", "--pcap", input, .. tables.Flags]);
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Logs));
        var rows = demo.Stdout.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

        TsharkConversations.AssertAgree(rows.Select(FromJson), capture);
        Assert.That(rows.Select(r => r.GetProperty("END_REASON").GetString()).Distinct(), Is.SubsetOf(new[] { "fin", "rst", "end" }),
            "timeouts longer than the capture: flows end by TCP or by the end of the input");
        Assert.That(rows.All(r => r.GetProperty("FINAL").GetBoolean() && r.GetProperty("SEQ").GetInt32() == 0), Is.True);
        // The Community ID of the flow's endpoints (a one-way ICMP message's from its sender's side: either way round here;
        // FlowTruthTests holds each packet's to tshark's).
        foreach (var row in rows) Assert.That(CommunityIdsOf(row), Does.Contain(row.GetProperty("FLOW_ID").GetString()), row.ToString());
        var summary = demo.Stdout.Last();
        Assert.That(summary, Does.Contain($"flow_packets={FlowSamples.Packets(lines).Count} flows_shown={rows.Count} "));
    }

    [Test]
    public void Flows_printed_as_text_say_who_what_where_how_much_and_how_it_ended()
    {
        var input = TestData.Fixture("netns-lan.json.ndjson");
        using var tables = new WatchedTables(FlowSamples.Hosts(TestData.Lines(input)));
        using var demo = CliProcess.Start(["demo", "--flows", "--pcap", input, .. tables.Flags]);
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Logs));
        var flows = demo.Stdout.Where(l => l.Contains(" → ", StringComparison.Ordinal)).ToList();
        Assert.That(flows, Is.Not.Empty);
        // employee | proto | local → remote | out … · in … | duration | end reason
        Assert.That(flows, Has.All.Matches<string>(l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^Host \d+ \| (tcp|udp|icmp|icmpv6|\d+) \| \S+:\d+ → \S+:\d+ \| "
            + @"out [\d,]+ pkts [\d,]+ B · in [\d,]+ pkts [\d,]+ B \| \d+\.\d{3} s \| (fin|rst|end)$")));
        Assert.That(demo.Stdout.Last(), Does.Contain($"flows_shown={flows.Count} "));
    }

    private static string[] CommunityIdsOf(JsonElement row)
    {
        var local = Ip(row.GetProperty("LOCAL_IP").GetString()!);
        var remote = Ip(row.GetProperty("REMOTE_IP").GetString()!);
        byte protocol = (byte)row.GetProperty("PROTO").GetInt32();
        ushort localPort = (ushort)row.GetProperty("LOCAL_PORT").GetInt32(), remotePort = (ushort)row.GetProperty("REMOTE_PORT").GetInt32();
        return [CommunityId.Of(protocol, local, localPort, remote, remotePort), CommunityId.Of(protocol, remote, remotePort, local, localPort)];
    }

    private static IpAddressKey Ip(string text) => IpAddressKey.TryParse(text, out var ip) ? ip : throw new FormatException(text);

    /// <summary>The columns the conversation check reads; the rest as they come.</summary>
    private static FlowRecord FromJson(JsonElement r) => new(r.GetProperty("FLOW_ID").GetString()!,
        new FlowOwner(r.GetProperty("C_EMP_ID").GetString()!, r.GetProperty("C_EMP_NAME").GetString()!),
        MacAddress.Parse(r.GetProperty("C_MACADDR").GetString()!), (byte)r.GetProperty("PROTO").GetInt32(),
        Ip(r.GetProperty("LOCAL_IP").GetString()!), (ushort)r.GetProperty("LOCAL_PORT").GetInt32(),
        Ip(r.GetProperty("REMOTE_IP").GetString()!), (ushort)r.GetProperty("REMOTE_PORT").GetInt32(),
        r.GetProperty("OPENED_BY").GetString() == "local", 0, 0,
        r.GetProperty("PACKETS_OUT").GetInt64(), r.GetProperty("BYTES_OUT").GetInt64(), r.GetProperty("PACKETS_IN").GetInt64(),
        r.GetProperty("BYTES_IN").GetInt64(), 0, r.GetProperty("PROTOCOLS").GetString()!, null, FlowEnd.End,
        r.GetProperty("FINAL").GetBoolean(), r.GetProperty("SEQ").GetInt32());

    /// <summary>Table files in which every given MAC is a computer of its own watched employee, "Host N".</summary>
    private sealed class WatchedTables : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "pcapwatch-flows-" + Guid.NewGuid().ToString("N"));

        public WatchedTables(IEnumerable<MacAddress> hosts)
        {
            Directory.CreateDirectory(_dir);
            var list = hosts.ToList();
            File.WriteAllLines(Employees, list.Select((_, i) =>
                string.Create(CultureInfo.InvariantCulture, $"E{i}:{{\"key\":\"E{i}\",\"name\":\"Host {i}\",\"watch_flag\":\"YES\"}}")));
            File.WriteAllLines(Computers, list.Select((mac, i) =>
                string.Create(CultureInfo.InvariantCulture, $"{i}:{{\"comp_id\":{i},\"empkey\":\"E{i}\",\"macaddr\":\"{mac}\"}}")));
        }

        private string Employees => Path.Combine(_dir, "employees.txt");
        private string Computers => Path.Combine(_dir, "computers.txt");

        public string[] Flags => ["--employees", Employees, "--computers", Computers];

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}

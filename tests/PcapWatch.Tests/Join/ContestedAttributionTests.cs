using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Output;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Join;

/// <summary>
/// Conflicts are said, not settled: once another MAC claims a watched computer's address, the records attributed
/// through it say <c>ATTRIBUTION_CONTESTED: true</c> — in every input shape, as the output encoder writes them.
/// </summary>
public class ContestedAttributionTests
{
    private const string Server = "02:50:57:00:00:01", Router = "02:50:57:00:00:fe", Attacker = "02:50:57:00:00:99";
    private const double T = 1796090700;

    public enum Shape { Ek, Json, Plain2018 }

    private static string Epoch(double at) => at.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>One packet's layers (layer → field → value) in the shape's own spelling.</summary>
    internal static byte[] Packet(Shape shape, double at, string protocols, params (string Layer, (string Field, string Value)[] Fields)[] layers)
    {
        var all = new List<(string Layer, (string Field, string Value)[] Fields)> { ("frame", [("time_epoch", Epoch(at)), ("protocols", protocols)]) };
        all.AddRange(layers);
        string Name(string layer, string field) => shape switch
        {
            Shape.Ek => $"{layer}_{layer}_{field.Replace('.', '_')}",
            Shape.Json => $"{layer}.{field}",
            _ => field,
        };
        var body = string.Join(",", all.Select(l => $"\"{l.Layer}\":{{" + string.Join(",", l.Fields.Select(f => $"\"{Name(l.Layer, f.Field)}\":\"{f.Value}\"")) + "}"));
        var json = shape == Shape.Ek
            ? $"{{\"timestamp\":\"{(long)(at * 1000)}\",\"layers\":{{{body}}}}}"
            : $"{{\"_source\":{{\"layers\":{{{body}}}}}}}";
        return System.Text.Encoding.UTF8.GetBytes(json);
    }

    internal static byte[] Ack(Shape s, double at, string client, string ip) => Packet(s, at, "eth:ethertype:ip:udp:dhcp",
        ("eth", [("dst", "ff:ff:ff:ff:ff:ff"), ("src", Server)]), ("ip", [("src", "192.168.77.1"), ("dst", "255.255.255.255")]),
        ("udp", [("srcport", "67"), ("dstport", "68")]),
        ("dhcp", [("option.dhcp", "5"), ("hw.mac_addr", client), ("ip.your", ip), ("option.dhcp_server_id", "192.168.77.1"),
            ("option.ip_address_lease_time", "3600")]));

    internal static byte[] Arp(Shape s, double at, string mac, string ip) => Packet(s, at, "eth:ethertype:arp",
        ("eth", [("dst", "ff:ff:ff:ff:ff:ff"), ("src", mac)]), ("arp", [("opcode", "2"), ("src.hw_mac", mac), ("src.proto_ipv4", ip)]));

    internal static byte[] Routed(Shape s, double at, string ip) => Packet(s, at, "eth:ethertype:ip:udp",
        ("eth", [("dst", "02:50:57:00:00:02"), ("src", Router)]), ("ip", [("src", ip), ("dst", "198.51.100.7")]));

    internal sealed class JsonSink : IMatchSink
    {
        private readonly JsonMatchEncoder _encoder = new();
        public List<JsonElement> Records { get; } = [];

        public void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
            string? attributedBy, bool contested) =>
            Records.Add(JsonDocument.Parse(_encoder.Encode(packet, in fields, mac, in owner, direction, attributedBy, contested)).RootElement.Clone());
    }

    [TestCase(Shape.Ek)]
    [TestCase(Shape.Json)]
    [TestCase(Shape.Plain2018)]
    public void Records_attributed_through_an_address_another_mac_claims_too_say_they_are_contested(Shape shape)
    {
        var processor = new LearningPacketProcessor(IpAttributionTests.RoutedIndex(), MatchMode.Src | MatchMode.Ip, new IpBindings());
        var sink = new JsonSink();
        foreach (var packet in new[]
                 {
                     Ack(shape, T, Alice, "192.168.77.20"),
                     Arp(shape, T + 0.1, Carol, "192.168.77.21"),
                     Routed(shape, T + 1, "192.168.77.20"), // Alice's alone
                     Arp(shape, T + 2, Attacker, "192.168.77.20"), // another MAC claims Alice's leased address
                     Routed(shape, T + 3, "192.168.77.20"),
                     Routed(shape, T + 4, "192.168.77.21"), // Carol's, uncontested
                 })
        {
            processor.Process(packet, ref sink, out _);
        }

        string Row(JsonElement r) => $"{r.GetProperty("C_EMP_NAME").GetString()} {r.GetProperty("P_IP_SRC").GetString()} "
            + $"{r.GetProperty("ATTRIBUTED_BY").GetString()} {(r.TryGetProperty("ATTRIBUTION_CONTESTED", out var c) ? c.ToString() : "absent")}";
        Assert.That(sink.Records.Select(Row), Is.EqualTo(new[]
        {
            "Carol Routed  mac absent", // her own ARP frame: by MAC, no IP column to contest
            "Alice Routed 192.168.77.20 ip False",
            "Alice Routed 192.168.77.20 ip True",
            "Carol Routed 192.168.77.21 ip False",
        }));
    }

    private static string Alice => RoutedFixture.AliceMac;
    private static string Carol => RoutedFixture.CarolMac;
}

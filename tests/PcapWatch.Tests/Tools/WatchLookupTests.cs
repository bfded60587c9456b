using System.Net;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Packets;
using PcapWatch.Tools;

namespace PcapWatch.Tests.Tools;

public class WatchLookupTests
{
    private static MatchRecord Match(string? ipSrc, string? ipDst = "192.0.2.1", string? direction = null) =>
        new("E1", "Ann", "E1", "02:00:00:00:00:01", "t", "eth:ethertype:ip:udp", "02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff", ipSrc, ipDst, 60, direction);

    [Test]
    public void The_last_IP_is_the_last_address_the_computer_used_never_an_unspecified_one()
    {
        var lookup = new WatchLookup();
        lookup.AddMatch(1000, Match("10.0.0.7"));
        lookup.AddMatch(2000, Match("0.0.0.0"));      // a DHCP renewal from scratch
        lookup.AddMatch(3000, Match("::"));           // IPv6 duplicate-address detection
        lookup.AddMatch(4000, Match(null));           // ARP
        var (_, last) = lookup.ByMac(MacAddress.Parse("02:00:00:00:00:01"));
        Assert.That((last!.Ip, last.When.ToUnixTimeMilliseconds()), Is.EqualTo(("10.0.0.7", 4000L)));
        Assert.That(lookup.ByIp(IPAddress.Any).Last, Is.Null, "0.0.0.0 is nobody's");
        Assert.That(lookup.ByIp(IPAddress.IPv6Any).Last, Is.Null, ":: is nobody's");
        Assert.That(lookup.ByIp(IPAddress.Parse("10.0.0.7")).Last!.Mac, Is.EqualTo("02:00:00:00:00:01"));
    }

    [Test]
    public void A_received_packet_names_its_destination_as_the_computers_address()
    {
        var lookup = new WatchLookup();
        lookup.AddMatch(1000, Match("198.51.100.9", "10.0.0.8", direction: "in"));
        Assert.That(lookup.ByMac(MacAddress.Parse("02:00:00:00:00:01")).Last!.Ip, Is.EqualTo("10.0.0.8"));
    }

    [Test]
    public void The_answer_does_not_depend_on_the_order_the_matches_are_read_in()
    {
        // Output partitions interleave: the last sighting and the last address are the latest by time, however read.
        string?[] sources = ["10.0.0.7", "10.0.0.8", "fd00::7", "0.0.0.0", "::", null];
        Gen.Select(Gen.Int[0, sources.Length - 1], Gen.Int[0, 1000]).List[1, 30]
            .Select(list => list.DistinctBy(m => m.Item2).ToList())
            .SelectMany(list => Gen.Shuffle(list.ToArray()).Select(shuffled => (list, shuffled)))
            .Sample((list, shuffled) =>
            {
                static (string?, long) Answer(IEnumerable<(int Source, int Time)> matches, string?[] sources)
                {
                    var lookup = new WatchLookup();
                    foreach (var (source, time) in matches) lookup.AddMatch(time, Match(sources[source]));
                    var last = lookup.ByMac(MacAddress.Parse("02:00:00:00:00:01")).Last!;
                    return (last.Ip, last.When.ToUnixTimeMilliseconds());
                }
                var withAddress = list.Where(m => sources[m.Item1] is { } ip && ip != "0.0.0.0" && ip != "::").ToList();
                string? expectedIp = withAddress.Count == 0 ? null : sources[withAddress.MaxBy(m => m.Item2).Item1];
                var answer = Answer(shuffled, sources);
                return answer == Answer(list, sources) && answer == (expectedIp, list.Max(m => m.Item2));
            });
    }
}

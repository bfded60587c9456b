using System.Diagnostics;
using System.Globalization;
using System.Text;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;

namespace PcapWatch.Benchmarks;

/// <summary>
/// An NDP flood through the packet path that attributes by IP (the records as `tshark -T ek` writes them, decided and
/// learned by <see cref="LearningPacketProcessor"/> exactly as the service does, Kafka aside): N neighbour advertisements
/// for random IPv6 addresses, (a) from one MAC, (b) each from a MAC of its own — what a host on the segment can send.
/// Reported: the bindings' addresses, the records the instance would publish to IP_MAC_BINDINGS, evictions, flagged
/// MACs, the managed heap and the process's resident memory after each flood — against the caps.
/// </summary>
internal static class NdpFloodBenchmark
{
    public static int Run(string[] args)
    {
        int claims = BenchmarkArgs.Int(args, "--claims", 1_000_000);
        int cap = BenchmarkArgs.Int(args, "--max-addresses", IpBindings.DefaultMaxAddresses);
        Console.WriteLine($"ndp-flood: {claims:N0} neighbour advertisements per flood, --bindings-max-addresses {cap:N0}, "
            + $"--binding-claims-per-minute {IpBindings.DefaultClaimsPerMinute}");
        foreach (var oneMac in new[] { true, false })
        {
            Flood(claims, cap, oneMac);
        }
        return 0;
    }

    private static void Flood(int claims, int cap, bool oneMac)
    {
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var bindings = new IpBindings { MaxAddresses = cap };
        var processor = new LearningPacketProcessor(new WatchIndex(), MatchMode.Src | MatchMode.Ip, bindings);
        var sink = new NoSink();
        var random = new Random(42);
        long published = 0, unshared = 0, start = Stopwatch.GetTimestamp();
        double captureStart = 1_796_090_000;
        for (int i = 0; i < claims; i++)
        {
            var mac = oneMac ? 0x0A0000000001L : 0x0A0000000000L + i;
            var record = Advertisement(captureStart + i / 10_000.0, mac, random);
            processor.Process(record, ref sink, out _);
            if (processor.Learned is not null) published++;
            unshared = processor.Unshared;
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long heap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT ndp-flood macs={(oneMac ? "one" : "one-per-claim")} claims={claims} addresses={bindings.AddressCount} published={published} unshared={unshared} "
            + $"evicted={bindings.Evicted} flagged_macs={bindings.FlaggedMacs} refused_over_rate={bindings.RefusedOverRate} "
            + $"heap_mb={heap / 1e6:F1} rss_mb={self.WorkingSet64 / 1e6:F0} claims_per_s={claims / seconds:F0}"));
        GC.KeepAlive(processor);
    }

    /// <summary>A neighbour advertisement for a random address in fd77::/64, captured ten thousand a second.</summary>
    private static byte[] Advertisement(double at, long mac, Random random)
    {
        var macText = new MacAddress(mac).ToString();
        var target = $"fd77::{random.Next(0x10000):x}:{random.Next(0x10000):x}:{random.Next(0x10000):x}:{random.Next(0x10000):x}";
        var epoch = at.ToString("0.0000", CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes("{\"timestamp\":\"" + (long)(at * 1000) + "\",\"layers\":{\"frame\":{\"frame_frame_time_epoch\":\""
            + epoch + "\",\"frame_frame_protocols\":\"eth:ethertype:ipv6:icmpv6\"},\"eth\":{\"eth_eth_dst\":\"33:33:00:00:00:01\",\"eth_eth_src\":\""
            + macText + "\"},\"ipv6\":{\"ipv6_ipv6_src\":\"" + target + "\",\"ipv6_ipv6_dst\":\"ff02::1\"},\"icmpv6\":{\"icmpv6_icmpv6_type\":\"136\","
            + "\"icmpv6_icmpv6_nd_na_target_address\":\"" + target + "\",\"icmpv6_icmpv6_opt_linkaddr\":\"" + macText + "\"}}}");
    }

    private readonly struct NoSink : IMatchSink
    {
        public void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
            string? attributedBy, bool contested)
        {
        }
    }
}

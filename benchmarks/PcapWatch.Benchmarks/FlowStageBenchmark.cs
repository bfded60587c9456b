using System.Diagnostics;
using System.Globalization;
using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.Benchmarks;

/// <summary>
/// The flow stage's own cost, without a broker: WATCHED_EMP_PACKETS values decoded and made into flows (<see
/// cref="FlowPacketCodec"/>, <see cref="FlowPartition"/>) on one core — CPU per packet and the rate that is — and the
/// managed memory an open flow holds (heap growth after full collections, with <c>--flows</c> flows open at once).
/// The packets: <c>--hosts</c> hosts, each with connections of 20 packets (a SYN, data both ways, FIN, the last ACK),
/// spaced 100 µs apart in capture time, so that flows open, fill and close as in a busy LAN.
/// </summary>
internal static class FlowStageBenchmark
{
    public static int Run(string[] args)
    {
        int packets = BenchmarkArgs.Int(args, "--packets", 2_000_000);
        int hosts = BenchmarkArgs.Int(args, "--hosts", 200);
        int open = BenchmarkArgs.Int(args, "--flows", 100_000);
        var values = Enumerable.Range(0, 100_000).Select(i => FlowPacketCodec.Encode(Packet(i, hosts))).ToArray();
        Throughput(values, Math.Min(packets, values.Length) / 10); // warm-up: tiered compilation
        var (cpu, wall) = Throughput(values, packets);
        long bytes = OpenFlowBytes(open);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT flow-stage packets={packets} cpu_ns_per_packet={cpu.TotalNanoseconds / packets:F0} "
            + $"packets_per_s_one_core={packets / cpu.TotalSeconds:F0} wall_s={wall.TotalSeconds:F2} open_flows={open} "
            + $"bytes_per_open_flow={(double)bytes / open:F0}"));
        return 0;
    }

    private static (TimeSpan Cpu, TimeSpan Wall) Throughput(byte[][] values, int packets)
    {
        var partition = new FlowPartition(FlowTimeouts.Default);
        var emitted = new List<FlowRecord>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < packets; i++)
        {
            // Past the prepared values, the same packets again a day later: new flows, not late ones.
            var packet = FlowPacketCodec.TryDecode(values[i % values.Length], 0, i, 0)!;
            if (i >= values.Length) packet = packet with { TimeUs = packet.TimeUs + (i / values.Length) * 86_400_000_000L };
            partition.Add(packet, emitted);
            if (emitted.Count > 10_000)
            {
                foreach (var flow in emitted) _ = FlowRecordJson.Encode(flow);
                emitted.Clear();
            }
        }
        partition.EndAll(FlowEnd.End, emitted);
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu, wall.Elapsed);
    }

    private static long OpenFlowBytes(int flows)
    {
        var made = Enumerable.Range(0, flows).Select(i => Packet(i * 20, hosts: 1_000) with { RemotePort = (ushort)(i % 60_000) }).ToArray();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var partition = new FlowPartition(FlowTimeouts.Default with { MaxOpenFlows = flows + 1, Grace = TimeSpan.Zero });
        var emitted = new List<FlowRecord>();
        foreach (var packet in made) partition.Add(packet, emitted);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(partition);
        GC.KeepAlive(made);
        return after - before;
    }

    private static readonly FlowOwner[] Owner = [new("E1", "Employee One")];

    /// <summary>Packet <paramref name="i"/>: connection i / 20 of host (i / 20) % hosts, its (i % 20)-th packet.</summary>
    private static FlowPacket Packet(int i, int hosts)
    {
        int connection = i / 20, step = i % 20;
        ushort flags = step switch
        {
            0 => FlowPacket.Syn,
            1 => FlowPacket.Syn | FlowPacket.Ack,
            17 or 18 => FlowPacket.Fin | FlowPacket.Ack,
            _ => FlowPacket.Ack,
        };
        var host = new MacAddress(0x02_5057_000000L + connection % hosts);
        return new FlowPacket(host, step % 2 == 0, 1_800_000_000_000_000L + i * 100L, step is > 2 and < 17 ? 1_400 : 66, Transport.Tcp,
            IpAddressKey.FromIPv4(0x0A00_0000u + (uint)(connection % hosts)), (ushort)(10_000 + connection / hosts % 50_000),
            IpAddressKey.FromIPv4(0x5DB8_D70Eu), 443, flags, Owner, "eth:ethertype:ip:tcp:tls", null, 0, i, 0);
    }
}

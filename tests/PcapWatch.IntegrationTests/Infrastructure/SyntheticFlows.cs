using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>
/// Generated traffic for the flow stage: hosts taking turns, one packet each, 1 ms of capture time apart; each host runs
/// one conversation after another — a TCP connection (handshake, data both ways, both FINs, the last ACK) or a UDP
/// exchange — each from a new local port.
/// </summary>
internal static class SyntheticFlows
{
    private static readonly FlowOwner[] Owners = [new("e1", "Someone")];

    public static List<FlowPacket> Generate(int count, int hosts, int seed)
    {
        var random = new Random(seed);
        var queues = Enumerable.Range(0, hosts).Select(_ => new Queue<(bool Out, byte Protocol, ushort Flags, int Length)>()).ToArray();
        var ports = new ushort[hosts];
        var packets = new List<FlowPacket>(count);
        long time = 1_765_000_000_000_000;
        for (int i = 0; i < count; i++)
        {
            int h = i % hosts;
            if (queues[h].Count == 0)
            {
                Conversation(random, queues[h]);
                ports[h] = (ushort)(10_000 + (ports[h] + 1) % 50_000);
            }
            var (outgoing, protocol, flags, length) = queues[h].Dequeue();
            var host = new MacAddress(0x02_0000_000000L + h);
            var local = IpAddressKey.FromIPv4(0x0A00_0000u + (uint)h);
            var remote = IpAddressKey.FromIPv4(0xC633_6400u + (uint)(h % 7));
            packets.Add(new FlowPacket(host, outgoing, time + i * 1000L, length, protocol, local, ports[h], remote,
                protocol == Transport.Tcp ? (ushort)443 : (ushort)53, flags, Owners, protocol == Transport.Tcp ? "eth:ip:tcp" : "eth:ip:udp",
                null, 0, i, 0));
        }
        return packets;
    }

    private static void Conversation(Random random, Queue<(bool, byte, ushort, int)> into)
    {
        int exchanges = random.Next(1, 6);
        if (random.Next(3) == 0)
        {
            for (int i = 0; i < exchanges; i++)
            {
                into.Enqueue((true, Transport.Udp, 0, random.Next(60, 200)));
                into.Enqueue((false, Transport.Udp, 0, random.Next(60, 500)));
            }
            return;
        }
        into.Enqueue((true, Transport.Tcp, FlowPacket.Syn, 74));
        into.Enqueue((false, Transport.Tcp, FlowPacket.Syn | FlowPacket.Ack, 74));
        into.Enqueue((true, Transport.Tcp, FlowPacket.Ack, 66));
        for (int i = 0; i < exchanges; i++)
        {
            into.Enqueue((true, Transport.Tcp, 0x18, random.Next(100, 600)));
            into.Enqueue((false, Transport.Tcp, 0x18, random.Next(100, 1500)));
        }
        into.Enqueue((true, Transport.Tcp, FlowPacket.Fin | FlowPacket.Ack, 66));
        into.Enqueue((false, Transport.Tcp, FlowPacket.Fin | FlowPacket.Ack, 66));
        into.Enqueue((true, Transport.Tcp, FlowPacket.Ack, 66));
    }
}

using CsCheck;
using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Flows;

/// <summary>
/// How flows end, on packets made for each rule: TCP's FIN, ACK and RST, idle timeouts, interim records, owner changes,
/// the cap; and that the order packets arrive in does not change a flow (CsCheck).
/// </summary>
public class FlowPartitionTests
{
    private static readonly MacAddress Host = MacAddress.Parse("02:50:57:00:00:01");
    private static readonly IpAddressKey Local = Ip("10.0.0.1"), Remote = Ip("10.0.0.2");
    private static readonly FlowOwner Alice = new("e1", "Alice"), Bob = new("e2", "Bob");
    private const ushort Syn = FlowPacket.Syn, Ack = FlowPacket.Ack, Fin = FlowPacket.Fin, Rst = FlowPacket.Rst, Psh = 0x08;

    private static IpAddressKey Ip(string text) => IpAddressKey.TryParse(text, out var ip) ? ip : throw new FormatException(text);

    private static long Seconds(double s) => (long)(s * 1_000_000);

    private static FlowPacket Tcp(double at, bool outgoing, ushort flags, int length = 60, FlowOwner? owner = null, long offset = 0) =>
        new(Host, outgoing, Seconds(at), length, Transport.Tcp, Local, 40000, Remote, 443, flags, [owner ?? Alice], "eth:ethertype:ip:tcp",
            null, 0, offset, 0);

    private static FlowPacket Udp(double at, bool outgoing, int length = 100, ushort remotePort = 53, long offset = 0) =>
        new(Host, outgoing, Seconds(at), length, Transport.Udp, Local, 50000, Remote, remotePort, 0, [Alice], "eth:ethertype:ip:udp:dns",
            null, 0, offset, 0);

    private static List<FlowRecord> Run(FlowTimeouts timeouts, params FlowPacket[] packets)
    {
        var partition = new FlowPartition(timeouts);
        var records = new List<FlowRecord>();
        foreach (var packet in packets) partition.Add(packet, records);
        partition.EndAll(FlowEnd.End, records);
        return records;
    }

    private static readonly FlowTimeouts Timeouts = FlowTimeouts.Default with { Grace = TimeSpan.Zero, Interim = TimeSpan.Zero };

    [Test]
    public void A_closed_connection_keeps_the_ack_of_the_last_fin_and_its_strays_and_a_new_syn_starts_the_next_flow()
    {
        var records = Run(Timeouts,
            Tcp(0, true, Syn), Tcp(0.1, false, Syn | Ack), Tcp(0.2, true, Ack), Tcp(0.3, true, Psh | Ack, 500),
            Tcp(0.4, false, Fin | Ack), Tcp(0.5, true, Fin | Ack), Tcp(0.6, false, Ack), Tcp(0.7, true, Ack), Tcp(0.8, false, Syn));
        Assert.That(records, Has.Count.EqualTo(2));
        var closed = records[0];
        Assert.That((closed.End, closed.Final, closed.Seq, closed.OpenedByLocal), Is.EqualTo((FlowEnd.Fin, true, 0, true)));
        // The closing ACK (0.6) and a stray ACK within the linger (0.7) belong to it, as tshark's tcp.stream counts them.
        Assert.That((closed.PacketsOut, closed.BytesOut, closed.PacketsIn, closed.BytesIn), Is.EqualTo((5L, 740L, 3L, 180L)));
        Assert.That((closed.FirstUs, closed.LastUs), Is.EqualTo((0L, Seconds(0.7))));
        Assert.That(FlowText.TcpFlags(closed.TcpFlags), Is.EqualTo("FIN, SYN, PSH, ACK"));
        // A SYN on the same ports after the close opens the next connection: a flow of its own, opened by the remote side.
        Assert.That((records[1].End, records[1].FirstUs, records[1].PacketsIn, records[1].OpenedByLocal),
            Is.EqualTo((FlowEnd.End, Seconds(0.8), 1L, false)));
    }

    [Test]
    public void A_packet_after_the_linger_of_a_closed_connection_starts_the_next_flow()
    {
        var timeouts = Timeouts with { TcpLinger = TimeSpan.FromSeconds(2) };
        var records = Run(timeouts, Tcp(0, true, Fin | Ack), Tcp(0.1, false, Fin | Ack), Tcp(0.2, true, Ack), Tcp(2.3, true, Ack));
        Assert.That(records.Select(r => (r.End, r.PacketsOut + r.PacketsIn)), Is.EqualTo(new[] { (FlowEnd.Fin, 3L), (FlowEnd.End, 1L) }));
    }

    [Test]
    public void A_syn_ack_seen_first_still_names_the_opener()
    {
        var records = Run(Timeouts, Tcp(0, true, Syn | Ack), Tcp(0.1, false, Ack));
        Assert.That(records.Single().OpenedByLocal, Is.False);
    }

    [Test]
    public void A_reset_ends_the_flow_with_its_packet()
    {
        var records = Run(Timeouts, Tcp(0, false, Syn), Tcp(0.1, true, Rst | Ack), Tcp(0.2, false, Syn));
        Assert.That(records.Select(r => (r.End, r.PacketsIn, r.PacketsOut)), Is.EqualTo(new[] { (FlowEnd.Rst, 1L, 1L), (FlowEnd.End, 1L, 0L) }));
        Assert.That(records[0].OpenedByLocal, Is.False);
    }

    [Test]
    public void Both_fins_without_the_last_ack_end_after_the_linger()
    {
        var timeouts = Timeouts with { TcpLinger = TimeSpan.FromSeconds(2) };
        // The second FIN came in: the last ACK would go out. One coming in does not close it, and after the linger starts
        // the next flow.
        var records = Run(timeouts, Tcp(0, true, Fin | Ack), Tcp(0.1, false, Fin | Ack), Tcp(1.5, false, Ack), Tcp(2.2, false, Ack));
        Assert.That(records.Select(r => (r.End, r.PacketsOut + r.PacketsIn)), Is.EqualTo(new[] { (FlowEnd.Fin, 3L), (FlowEnd.End, 1L) }));
    }

    [Test]
    public void Idle_splits_fall_exactly_at_the_gaps()
    {
        var timeouts = Timeouts with { UdpIdle = TimeSpan.FromSeconds(60) };
        var records = Run(timeouts, Udp(0, true), Udp(10, false), Udp(70, true), Udp(130.000001, false), Udp(131, true));
        // 10 → 70 is exactly the timeout: the same flow; 70 → 130.000001 is a microsecond more: the next.
        Assert.That(records.Select(r => (r.End, r.FirstUs, r.LastUs)),
            Is.EqualTo(new[] { (FlowEnd.Idle, 0L, Seconds(70)), (FlowEnd.End, Seconds(130.000001), Seconds(131)) }));
    }

    [Test]
    public void Interim_records_carry_the_totals_at_each_boundary_and_number_the_records()
    {
        var timeouts = Timeouts with { Interim = TimeSpan.FromSeconds(60) };
        var packets = Enumerable.Range(0, 16).Select(i => Udp(i * 10, i % 2 == 0, offset: i)).ToArray(); // 0 … 150 s
        var records = Run(timeouts, packets);
        Assert.That(records.Select(r => (r.End, r.Final, r.Seq, r.PacketsOut + r.PacketsIn, r.LastUs)), Is.EqualTo(new[]
        {
            (FlowEnd.Active, false, 0, 7L, Seconds(60)),
            (FlowEnd.Active, false, 1, 13L, Seconds(120)),
            (FlowEnd.End, true, 2, 16L, Seconds(150)),
        }));
        Assert.That(records.Select(r => (r.FlowId, r.FirstUs)).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void A_new_owner_ends_the_flow_of_the_old_one()
    {
        var records = Run(Timeouts, Tcp(0, true, Syn), Tcp(1, false, Syn | Ack, owner: Alice), Tcp(2, true, Ack, owner: Bob),
            Tcp(3, false, Ack, owner: Bob));
        Assert.That(records.Select(r => (r.Owner, r.End, r.PacketsOut + r.PacketsIn)),
            Is.EqualTo(new[] { (Alice, FlowEnd.OwnerChange, 2L), (Bob, FlowEnd.End, 2L) }));
    }

    [Test]
    public void Over_the_cap_the_flow_idle_longest_is_evicted_and_counted()
    {
        var partition = new FlowPartition(Timeouts with { MaxOpenFlows = 100, UdpIdle = TimeSpan.FromDays(1) });
        var records = new List<FlowRecord>();
        for (int i = 0; i < 150; i++) partition.Add(Udp(i, true, remotePort: (ushort)(1000 + i), offset: i), records);
        Assert.That(partition.OpenFlows, Is.LessThanOrEqualTo(100));
        Assert.That(records.All(r => r.End == FlowEnd.Evicted), Is.True);
        Assert.That(partition.Evicted, Is.EqualTo(records.Count).And.GreaterThanOrEqualTo(50));
        // The oldest went first: the evicted are exactly the first flows opened.
        Assert.That(records.Select(r => r.FirstUs), Is.EqualTo(Enumerable.Range(0, records.Count).Select(i => Seconds(i))));
    }

    [Test]
    public void A_packet_behind_the_grace_is_counted_late_and_starts_the_next_flow()
    {
        var timeouts = Timeouts with { UdpIdle = TimeSpan.FromSeconds(5), Grace = TimeSpan.FromSeconds(1) };
        var partition = new FlowPartition(timeouts);
        var records = new List<FlowRecord>();
        partition.Add(Udp(0, true), records);
        partition.Add(Udp(100, true, remotePort: 99), records); // stream time: the first flow idled out
        partition.Add(Udp(2, false), records); // 98 s behind
        partition.EndAll(FlowEnd.End, records);
        Assert.That(partition.Late, Is.EqualTo(1));
        Assert.That(records.Count(r => r.RemotePort == 53), Is.EqualTo(2));
    }

    /// <summary>
    /// A host's packets come from many pcap partitions, in whatever order those were read. As long as none arrives more
    /// than the grace behind the newest, any interleaving of two partitions' packets gives the same flows as reading
    /// the capture in order.
    /// </summary>
    [Test]
    public void Any_interleaving_within_the_grace_gives_the_same_flows()
    {
        var timeouts = FlowTimeouts.Default with
        {
            UdpIdle = TimeSpan.FromSeconds(3),
            TcpIdle = TimeSpan.FromSeconds(4),
            TcpLinger = TimeSpan.FromSeconds(1),
            Interim = TimeSpan.FromSeconds(5),
            Grace = TimeSpan.FromSeconds(30),
        };
        var packet = Gen.Select(Gen.Int[0, 20_000], Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[40, 1500], Gen.Bool)
            .Select((ms, outgoing, kind, port, length, bob) => (Ms: ms, Outgoing: outgoing, Kind: kind, Port: port, Length: length, Bob: bob));
        Gen.Select(packet.List[1, 60], Gen.Bool.Array[120]).Sample((spec, picks) =>
        {
            var packets = spec.Select((p, i) => Make(p.Ms, p.Outgoing, p.Kind, p.Port, p.Length, p.Bob, offset: i))
                .OrderBy(p => p.TimeUs).ThenBy(p => p.PcapOffset).ToList();
            // Two pcap partitions: every other packet in each, each read in order, the two interleaved by the picks.
            var first = new Queue<FlowPacket>(packets.Where((_, i) => i % 2 == 0));
            var second = new Queue<FlowPacket>(packets.Where((_, i) => i % 2 == 1));
            var interleaved = new List<FlowPacket>();
            int pick = 0;
            while (first.Count + second.Count > 0)
            {
                bool fromFirst = second.Count == 0 || (first.Count > 0 && picks[pick++ % picks.Length]);
                interleaved.Add(fromFirst ? first.Dequeue() : second.Dequeue());
            }
            long newest = long.MinValue, latest = 0;
            foreach (var p in interleaved)
            {
                latest = Math.Max(latest, newest - p.TimeUs);
                newest = Math.Max(newest, p.TimeUs);
            }
            if (latest >= timeouts.GraceUs) return true; // outside the promise: not this property's case
            var inOrder = Run(timeouts, [.. packets]).Select(Text).Order().ToList();
            var asRead = Run(timeouts, [.. interleaved]).Select(Text).Order().ToList();
            return inOrder.SequenceEqual(asRead);
        }, iter: 3_000);
    }

    private static FlowPacket Make(int ms, bool outgoing, int kind, int port, int length, bool bob, int offset)
    {
        ushort flags = kind switch { 0 => Syn, 1 => Ack, 2 => Fin | Ack, _ => Rst };
        bool tcp = port % 2 == 0;
        return new FlowPacket(Host, outgoing, ms * 1000L, length, tcp ? Transport.Tcp : Transport.Udp, Local, (ushort)(40000 + port), Remote,
            443, tcp ? flags : (ushort)0, [bob ? Bob : Alice], "eth:ethertype:ip", null, offset % 2, offset, 0);
    }

    private static string Text(FlowRecord r) => r with { Protocols = "" } is var x ? x.ToString() : "";
}

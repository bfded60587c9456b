namespace PcapWatch.Flows;

/// <summary>
/// When flows end, in capture time (microseconds): idle per protocol (Zeek's defaults: TCP 5 min, UDP and ICMP 1 min),
/// how long a closed TCP connection waits for the ACK of its last FIN (<see cref="TcpLinger"/>), how often a long flow
/// reports its totals so far (<see cref="Interim"/>), how late a packet may arrive and still be ordered into its flow
/// (<see cref="Grace"/>), and how many flows one partition keeps open (<see cref="MaxOpenFlows"/>: beyond it the flow
/// idle longest ends as <c>evicted</c>).
/// </summary>
public sealed record FlowTimeouts(TimeSpan TcpIdle, TimeSpan UdpIdle, TimeSpan IcmpIdle, TimeSpan OtherIdle, TimeSpan TcpLinger,
    TimeSpan Interim, TimeSpan Grace, int MaxOpenFlows)
{
    public static FlowTimeouts Default { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), 100_000);

    public long IdleUs(byte protocol) => Us(protocol switch
    {
        Transport.Tcp => TcpIdle,
        Transport.Udp => UdpIdle,
        Transport.Icmp or Transport.Icmpv6 => IcmpIdle,
        _ => OtherIdle,
    });

    public long LingerUs => Us(TcpLinger);

    public long InterimUs => Us(Interim);

    public long GraceUs => Us(Grace);

    private static long Us(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;
}

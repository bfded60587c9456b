using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// One record of <c>WATCHED_EMP_FLOWS</c>: a flow's totals when it ended (<see cref="Final"/>) or so far (an interim
/// record, <see cref="FlowEnd.Active"/>). A flow is identified by host, <see cref="FlowId"/> and <see cref="FirstUs"/>
/// (the Community ID alone repeats when a 5-tuple is reused); <see cref="Seq"/> numbers its records, so a reader
/// recognises a repeat by all four.
/// </summary>
public sealed record FlowRecord(
    string FlowId,
    FlowOwner Owner,
    MacAddress Host,
    byte Protocol,
    IpAddressKey LocalIp,
    ushort LocalPort,
    IpAddressKey RemoteIp,
    ushort RemotePort,
    bool OpenedByLocal,
    long FirstUs,
    long LastUs,
    long PacketsOut,
    long BytesOut,
    long PacketsIn,
    long BytesIn,
    ushort TcpFlags,
    string Protocols,
    string? Name,
    FlowEnd End,
    bool Final,
    int Seq);

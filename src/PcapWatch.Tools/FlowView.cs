using System.Globalization;
using System.Text;
using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.Tools;

/// <summary>
/// How a person reads a flow record: <c>Alice | tcp | 10.0.0.5:40000 → 93.184.215.14:443 (example.com) | out 12 pkts
/// 1,403 B · in 10 pkts 8,220 B | 2.481 s | fin</c> (an interim record says <c>active</c>); or with <c>--format json</c>
/// the record as <c>WATCHED_EMP_FLOWS</c> carries it.
/// </summary>
public sealed class FlowView(bool json)
{
    public string Render(FlowRecord flow)
    {
        if (json) return Encoding.UTF8.GetString(FlowRecordJson.Encode(flow));
        var name = flow.Name is null ? "" : $" ({flow.Name})";
        var (local, remote) = Endpoints(flow);
        return string.Create(CultureInfo.InvariantCulture,
            $"{flow.Owner.EmpName} | {ProtocolName(flow.Protocol)} | {local} → {remote}{name}"
            + $" | out {flow.PacketsOut:N0} pkts {flow.BytesOut:N0} B · in {flow.PacketsIn:N0} pkts {flow.BytesIn:N0} B"
            + $" | {FlowText.DurationSeconds(flow.FirstUs, flow.LastUs):0.000} s | {flow.End.Text()}");
    }

    /// <summary>Both ends as <c>10.0.0.5:40000</c> (IPv6 in brackets).</summary>
    public static (string Local, string Remote) Endpoints(FlowRecord flow) =>
        (Endpoint(flow.LocalIp, flow.LocalPort), Endpoint(flow.RemoteIp, flow.RemotePort));

    public static string ProtocolName(byte protocol) => protocol switch
    {
        Transport.Tcp => "tcp",
        Transport.Udp => "udp",
        Transport.Icmp => "icmp",
        Transport.Icmpv6 => "icmpv6",
        Transport.Sctp => "sctp",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    private static string Endpoint(IpAddressKey address, ushort port) =>
        address.IsIPv4 ? $"{address}:{port}" : $"[{address}]:{port}";
}

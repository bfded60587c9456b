namespace PcapWatch.Flows;

/// <summary>
/// One open flow's totals and TCP state, fed its packets in capture-time order (see <see cref="FlowPartition"/>).
/// </summary>
internal sealed partial class OpenFlow
{
    public OpenFlow(FlowKey key, FlowOwner owner, FlowPacket first, long interimUs)
    {
        Key = key;
        Owner = owner;
        FirstUs = LastUs = first.TimeUs;
        _openedByLocal = first.Outgoing;
        _interimUs = interimUs;
        NextInterimUs = interimUs > 0 ? first.TimeUs + interimUs : long.MaxValue;
    }

    public FlowKey Key { get; }
    public FlowOwner Owner { get; }
    public long FirstUs { get; }
    public long LastUs { get; private set; }
    private long _packetsOut, _bytesOut, _packetsIn, _bytesIn;
    private ushort _tcpFlags;
    private bool _openedByLocal, _synSeen;
    private string _protocols = "";
    private string? _name;
    private int _seq;
    private string? _flowId;

    /// <summary>When the next interim record is due: after every <c>Interim</c> of capture time since the first packet.</summary>
    public long NextInterimUs { get; private set; }
    private readonly long _interimUs;

    private bool _finOut, _finIn;
    // Which side sent the second FIN: the closing ACK comes from the other.
    private bool _secondFinOut;

    /// <summary>
    /// After both FINs (then again from the last ACK) or a reset: when the linger ends, and the flow with it (long.MaxValue
    /// before).
    /// </summary>
    public long LingerEndsUs { get; private set; } = long.MaxValue;


    public void Apply(FlowPacket packet, long lingerUs)
    {
        if (packet.Outgoing)
        {
            _packetsOut++;
            _bytesOut += packet.FrameLength;
        }
        else
        {
            _packetsIn++;
            _bytesIn += packet.FrameLength;
        }
        LastUs = Math.Max(LastUs, packet.TimeUs);
        _tcpFlags |= packet.TcpFlags;
        // The list naming most layers says most; equal lengths are ordered so that arrival order cannot matter.
        if (packet.Protocols.Length > _protocols.Length
            || (packet.Protocols.Length == _protocols.Length && string.CompareOrdinal(packet.Protocols, _protocols) > 0))
        {
            _protocols = packet.Protocols;
        }
        _name ??= packet.Name;
        if (Key.Protocol == Transport.Tcp) ApplyTcp(packet, lingerUs);
    }

    private void ApplyTcp(FlowPacket packet, long lingerUs)
    {
        ushort flags = packet.TcpFlags;
        if (!_synSeen && (flags & FlowPacket.Syn) != 0)
        {
            // A SYN is sent by the side that opens; a SYN-ACK by the other.
            _synSeen = true;
            _openedByLocal = (flags & FlowPacket.Ack) == 0 ? packet.Outgoing : !packet.Outgoing;
        }
        // Closed already: a stray packet of the connection (a retransmission, a RST answering a late segment) still
        // belongs to it until the linger ends, as tshark's tcp.stream and Zeek's tcp_close_delay count it.
        if (Closed is not null) return;
        if ((flags & FlowPacket.Rst) != 0)
        {
            Close(FlowEnd.Rst, packet.TimeUs, lingerUs);
            return;
        }
        bool bothBefore = _finOut && _finIn;
        if ((flags & FlowPacket.Fin) != 0)
        {
            if (packet.Outgoing) _finOut = true;
            else _finIn = true;
            if (!bothBefore && _finOut && _finIn)
            {
                _secondFinOut = packet.Outgoing;
                LingerEndsUs = packet.TimeUs + lingerUs;
            }
            return;
        }
        if (bothBefore && (flags & FlowPacket.Ack) != 0 && packet.Outgoing != _secondFinOut) Close(FlowEnd.Fin, packet.TimeUs, lingerUs);
    }

    private void Close(FlowEnd reason, long atUs, long lingerUs)
    {
        Closed = reason;
        LingerEndsUs = atUs + lingerUs;
    }

    /// <summary>How the connection closed (a reset, or the ACK of the last FIN); null while it is open.</summary>
    public FlowEnd? Closed { get; private set; }

    /// <summary>
    /// What the flow ends with when its linger runs out, or its input does: how it closed; both FINs without the last
    /// ACK count as closed by FIN; null for a flow still open.
    /// </summary>
    public FlowEnd? CloseReason => Closed ?? (_finOut && _finIn ? FlowEnd.Fin : null);

    /// <summary>A SYN opening a new connection on the same ports: after a close, it starts the next flow.</summary>
    public static bool OpensAgain(FlowPacket packet) => (packet.TcpFlags & (FlowPacket.Syn | FlowPacket.Ack)) == FlowPacket.Syn;

    // The packet count at the flow's last record: an interim record is written only when it has something new.
    private long _packetsAtLastRecord;

    /// <summary>
    /// The interim record due at <see cref="NextInterimUs"/> — the totals so far, or null when no packet came since the
    /// last record (an idle flow repeats nothing) — and the next one's due time.
    /// </summary>
    public FlowRecord? Interim()
    {
        NextInterimUs += _interimUs;
        // A closed connection's next record is its final one, at the end of its linger.
        if (_packetsOut + _packetsIn == _packetsAtLastRecord || Closed is not null) return null;
        _packetsAtLastRecord = _packetsOut + _packetsIn;
        return Record(FlowEnd.Active, final: false);
    }

    public FlowRecord Final(FlowEnd end) => Record(end, final: true);

    private FlowRecord Record(FlowEnd end, bool final) => new(_flowId ??= Key.CommunityIdOf(), Owner, Key.Host, Key.Protocol, Key.LocalIp,
        Key.LocalPort, Key.RemoteIp, Key.RemotePort, _openedByLocal, FirstUs, LastUs, _packetsOut, _bytesOut, _packetsIn, _bytesIn,
        _tcpFlags, _protocols, _name, end, final, _seq++);
}

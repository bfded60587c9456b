namespace PcapWatch.Packets;

/// <summary>The packet fields the recipe flattens (its PCAP_STREAM columns), in output order.</summary>
public enum PacketField
{
    FrameTime,
    FrameLen,
    FrameProtocols,
    EthSrc,
    EthDst,
    IpSrc,
    IpDst,
    IpSrcHost,
    IpDstHost,
    IpProto,
}

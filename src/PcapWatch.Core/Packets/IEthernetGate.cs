namespace PcapWatch.Packets;

/// <summary>
/// Decides, as soon as the first (outer) Ethernet layer has been read, whether the rest of the packet is worth
/// scanning. A struct implementation lets the JIT inline the decision into the scan loop (no delegate, no boxing).
/// </summary>
public interface IEthernetGate
{
    bool ShouldContinue(in PacketFields fields);
}

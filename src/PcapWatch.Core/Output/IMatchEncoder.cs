using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Output;

/// <summary>Turns one match (packet fields + watched computer) into the output record's value.</summary>
public interface IMatchEncoder : IDisposable
{
    byte[] Encode(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
        string? attributedBy = null, bool contested = false, PacketName name = default);
}

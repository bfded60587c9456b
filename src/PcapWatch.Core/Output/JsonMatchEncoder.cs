using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Output;

/// <summary>The default: ksqlDB's JSON columns, written by <see cref="MatchRecordWriter"/>.</summary>
public sealed class JsonMatchEncoder : IMatchEncoder
{
    private readonly MatchRecordWriter _writer = new();

    public byte[] Encode(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
        string? attributedBy = null, bool contested = false, PacketName name = default) =>
        _writer.Write(packet, in fields, mac, in owner, direction, attributedBy, contested, name).ToArray();

    public void Dispose()
    {
    }
}

namespace PcapWatch.Packets;

public enum ExtractStatus
{
    /// <summary>All layers of interest were read (fields a packet lacks are Missing).</summary>
    Complete,
    /// <summary>The gate decided after the Ethernet layer that the packet is of no interest.</summary>
    Skipped,
    /// <summary>Valid JSON, but not a packet dissection: no <c>layers</c> object.</summary>
    NotAPacket,
}

namespace PcapWatch.Packets;

/// <summary>
/// What <see cref="PacketExtractor"/> made of a record. Every record gets exactly one of these; none throws.
/// </summary>
public enum ExtractStatus
{
    /// <summary>All layers of interest were read (fields a packet lacks are Missing).</summary>
    Complete,
    /// <summary>The gate decided after the Ethernet layer that the packet is of no interest.</summary>
    Skipped,
    /// <summary>Valid JSON, but not a packet dissection: no <c>layers</c> object.</summary>
    NotAPacket,
    /// <summary>Not JSON (or cut off) before the scan could decide.</summary>
    InvalidJson,
    /// <summary>Nested deeper than <see cref="PacketExtractor.MaxDepth"/>.</summary>
    TooDeep,
    /// <summary>
    /// A property name the scan had to read holds a <c>\u</c> escape that is not UTF-16 (a lone surrogate).
    /// </summary>
    InvalidEscape,
    /// <summary>A property name the scan had to unescape is not UTF-8.</summary>
    InvalidUtf8,
}

namespace PcapWatch.Join;

/// <summary>What became of one pcap record: exactly one of these, for every record.</summary>
public enum PacketOutcome : byte
{
    /// <summary>No watched computer sent (or, by the match mode, received) it.</summary>
    Skipped,
    /// <summary>One or more output records were handed to the sink.</summary>
    Matched,
    /// <summary>It cannot be read as a packet; it goes to the dead-letter topic with the reason.</summary>
    Rejected,
    /// <summary>
    /// Attributing at capture time, a packet of a watched MAC has no <c>frame.time_epoch</c>: decide it again with
    /// the record's timestamp (which a deserializer is not told). Nothing was handed to the sink.
    /// </summary>
    NeedsRecordTime,
    /// <summary>
    /// Attributing by IP, the record states an IP ↔ MAC binding (<see cref="PacketProcessor.Evidence"/>): the caller
    /// learns it, then has the record's sides attributed (<see cref="PacketProcessor.AttributeTaught"/>), so that the
    /// packet path itself never writes into the bindings. Nothing was handed to the sink yet.
    /// </summary>
    Teaches,
}

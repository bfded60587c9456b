using PcapWatch.Join;

namespace PcapWatch.Service;

/// <summary>
/// What <see cref="PacketDecider"/> made of one pcap record. Skipped and matched records
/// share one instance each (nothing is allocated for them); a rejected record carries its reason and a copy of its key
/// and value for the dead-letter topic.
/// </summary>
public sealed class PacketDecision
{
    public static readonly PacketDecision Skipped = new(PacketOutcome.Skipped, default, null, null);

    /// <summary>Matched: the encoded matches wait in <see cref="PacketDecider.Pending"/>.</summary>
    public static readonly PacketDecision Matched = new(PacketOutcome.Matched, default, null, null);

    private PacketDecision(PacketOutcome outcome, Rejection rejection, byte[]? value, byte[]? key)
    {
        Outcome = outcome;
        Rejection = rejection;
        Value = value;
        Key = key;
    }

    public PacketOutcome Outcome { get; }

    public Rejection Rejection { get; }

    /// <summary>The record's value, kept only when it was rejected or needs its time (null for a null value).</summary>
    public byte[]? Value { get; }

    /// <summary>The record's key, kept only when it was rejected (null for a null key).</summary>
    public byte[]? Key { get; }

    public static PacketDecision Rejected(Rejection rejection, byte[]? value, byte[]? key) => new(PacketOutcome.Rejected, rejection, value, key);

    /// <summary>To decide again with the record's timestamp (a copy of its value kept for that).</summary>
    public static PacketDecision NeedsRecordTime(byte[] value, byte[]? key) => new(PacketOutcome.NeedsRecordTime, default, value, key);
}

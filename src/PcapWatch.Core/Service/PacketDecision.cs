using PcapWatch.Join;

namespace PcapWatch.Service;

/// <summary>
/// What <see cref="PacketDecider"/> made of one pcap record, as the consumer's value type. Skipped and matched records
/// share one instance each (nothing is allocated for them); a rejected record carries its reason and a copy of its bytes
/// for the dead-letter topic.
/// </summary>
public sealed class PacketDecision
{
    public static readonly PacketDecision Skipped = new(PacketOutcome.Skipped, default, null);

    /// <summary>Matched: the encoded matches wait in <see cref="PacketDecider.Pending"/>.</summary>
    public static readonly PacketDecision Matched = new(PacketOutcome.Matched, default, null);

    private PacketDecision(PacketOutcome outcome, Rejection rejection, byte[]? value)
    {
        Outcome = outcome;
        Rejection = rejection;
        Value = value;
    }

    public PacketOutcome Outcome { get; }

    public Rejection Rejection { get; }

    /// <summary>The record's value, kept only when it was rejected (null for a null value).</summary>
    public byte[]? Value { get; }

    public static PacketDecision Rejected(Rejection rejection, byte[]? value) => new(PacketOutcome.Rejected, rejection, value);
}

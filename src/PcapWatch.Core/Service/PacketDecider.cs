using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Output;
using PcapWatch.Packets;

namespace PcapWatch.Service;

/// <summary>
/// The pcap consumer's value deserializer: Confluent.Kafka hands it a span over librdkafka's own buffer, so the packet
/// is decided where it lies and an unwatched one is never copied. A match is encoded here and waits in
/// <see cref="Pending"/> until the loop produces it with the record's timestamp (known once Consume returns); a rejected
/// record is copied, with its reason, for the dead-letter topic. Runs on the consumer's thread, inside Consume.
/// </summary>
public sealed class PacketDecider(PacketProcessor processor, IMatchEncoder encoder, ILogger log)
    : IDeserializer<PacketDecision>, IMatchSink
{
    /// <summary>The matches of the record last decided: the watched MAC and the encoded output value.</summary>
    public List<(MacAddress Mac, byte[] Value)> Pending { get; } = [];

    /// <summary>The size of the record last decided.</summary>
    public int LastLength { get; private set; }

    public PacketDecision Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        Pending.Clear();
        LastLength = isNull ? 0 : data.Length;
        try
        {
            var sink = this;
            var outcome = processor.Process(isNull ? default : data, ref sink, out var rejection);
            return outcome switch
            {
                PacketOutcome.Skipped => PacketDecision.Skipped,
                PacketOutcome.Matched => PacketDecision.Matched,
                _ => PacketDecision.Rejected(rejection, isNull ? null : data.ToArray()),
            };
        }
        catch (Exception ex) when (RecordFaults.AreTheRecords(ex))
        {
            // Every known bad input has a status; this is the net under that claim, so one record can never stop the
            // loop. Logged with the exception: it is a bug to fix.
            log.LogError(ex, "Processing a {Topic} record failed; dead-lettering it", context.Topic);
            Pending.Clear();
            return PacketDecision.Rejected(new Rejection(RejectionCodes.ProcessingError, $"{ex.GetType().Name}: {ex.Message}"),
                isNull ? null : data.ToArray());
        }
    }

    void IMatchSink.OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction) =>
        Pending.Add((mac, encoder.Encode(packet, in fields, mac, in owner, direction)));
}

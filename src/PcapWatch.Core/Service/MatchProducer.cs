using Confluent.Kafka;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Packets;

namespace PcapWatch.Service;

/// <summary>
/// Produces one packet's matches: keyed by the canonical MAC as the recipe keys its output, timestamped with the
/// packet's record time (ksqlDB's ROWTIME through a join: windows in <c>report</c> are event time), and each with its
/// origin (<see cref="MatchOrigin"/>) so that readers count a record produced again only once. The same for the flow
/// packets of <c>WATCHED_EMP_PACKETS</c> (<paramref name="countsMatches"/> false: they are not matches).
/// </summary>
internal sealed class MatchProducer(PacketOutput output, string topic, PipelineProgress progress, bool countsMatches = true)
{
    // The output key of the last MAC matched.
    private MacAddress _lastKeyMac;
    private byte[]? _lastKey;

    public void Produce(List<(MacAddress Mac, byte[] Value)> matches, int partition, long offset, long floor, Timestamp packetTime)
    {
        for (int index = 0; index < matches.Count; index++)
        {
            var (mac, value) = matches[index];
            // A key array is never written again once handed to the producer (a refused record is produced again
            // from it), so a new MAC gets a new array.
            if (_lastKey is null || _lastKeyMac != mac)
            {
                _lastKey = new byte[MacAddress.TextLength];
                mac.Format(_lastKey);
                _lastKeyMac = mac;
            }
            var message = new Message<byte[], byte[]?>
            {
                Key = _lastKey,
                Value = value,
                Headers = [new Header(MatchOrigin.Header, new MatchOrigin(partition, offset, index, floor).Encode())],
            };
            if (packetTime.Type != TimestampType.NotAvailable)
            {
                message.Timestamp = new Timestamp(packetTime.UnixTimestampMs, TimestampType.CreateTime);
            }
            output.Deliveries.Produce(output.Producer, topic, message);
            if (countsMatches) progress.OnMatch(_lastKey.Length + value.Length);
            else progress.OnFlowPacket(_lastKey.Length + value.Length);
        }
    }
}

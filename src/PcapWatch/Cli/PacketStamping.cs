using System.Text;
using PcapWatch.Ingest;
using PcapWatch.Packets;

namespace PcapWatch.Cli;

/// <summary>
/// <c>produce --key K --timestamps capture</c>: one key for every packet record, and each record timed by its packet.
/// </summary>
internal static class PacketStamping
{
    public static IEnumerable<InputRecord> Apply(IEnumerable<InputRecord> records, string? key, bool captureTime)
    {
        if (key is null && !captureTime) return records;
        var keyBytes = key is null ? null : Encoding.UTF8.GetBytes(key);
        return Stamp(records, keyBytes, captureTime);
    }

    private static IEnumerable<InputRecord> Stamp(IEnumerable<InputRecord> records, byte[]? key, bool captureTime)
    {
        var fields = new PacketFields();
        foreach (var record in records)
        {
            var stamped = key is null ? record : record with { Key = key };
            // A record without a readable frame.time_epoch keeps the producer's time (and is sent all the same).
            if (captureTime && record.Value is { } value && PacketExtractor.Extract(value, ref fields) == ExtractStatus.Complete
                && fields.TryGetCaptureTimeMs(value, out long ms))
            {
                stamped = stamped with { Timestamp = UnixTime.ToDateTimeOffset(ms) };
            }
            yield return stamped;
        }
    }
}

using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;

namespace PcapWatch.Bindings;

/// <summary>
/// Reads IP_MAC_BINDINGS, the bindings the other instances learned, into this instance's <see cref="IpBindings"/>.
/// </summary>
public sealed class BindingsReader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties,
    IReadOnlyList<TopicPartition> partitions, SharedBindings shared, KafkaConnectivity kafka, ILogger log)
    : SharedTopicReader(bootstrapServers, properties, partitions, shared.InstanceBytes, "a binding", kafka, log)
{
    private long _decidedUpToMs;

    /// <summary>Bindings read from other instances.</summary>
    public long Adopted { get; private set; }

    /// <summary>
    /// Bindings from other instances that began before the newest packet this instance had already decided: packets of
    /// that address captured in between may have gone unattributed (there is no grace period). A measure of the gap.
    /// </summary>
    public long Late { get; private set; }

    /// <summary>Applies up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the first.</summary>
    /// <param name="decidedUpToMs">The newest capture time this instance has decided packets for (0: none yet).</param>
    public int Poll(TimeSpan wait, int max, long decidedUpToMs = 0)
    {
        _decidedUpToMs = decidedUpToMs;
        return PollRecords(wait, max);
    }

    protected override bool Apply(byte[] value, out string? problem)
    {
        if (!BindingRecord.TryDecode(value, out var address, out var interval, out problem)) return false;
        shared.Bindings.Adopt(address, interval);
        Adopted++;
        if (interval.FromMs < _decidedUpToMs && interval.LastStatedMs == interval.FromMs)
        {
            Late++;
            Log.LogDebug("Binding {Address} → {Mac} from {From} arrived after packets up to {Decided} were decided", address,
                interval.Mac, interval.FromMs, _decidedUpToMs);
        }
        return true;
    }
}

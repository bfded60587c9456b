using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;

namespace PcapWatch.Service;

/// <summary>
/// The packet path with its bindings kept up to date: <see cref="PacketProcessor"/> decides a record and, attributing by
/// IP, returns what it states about an address; this learns it into the bindings before the record's own sides are
/// attributed (a statement may bind the very address the record is sent from or to), and keeps what was learned for the
/// other instances. The only writer of the bindings on the packet path.
/// </summary>
public sealed class LearningPacketProcessor(PacketProcessor processor, IpBindings? bindings)
{
    public LearningPacketProcessor(WatchIndex index, MatchMode mode, IpBindings? bindings = null, OwnershipHistory? history = null)
        : this(new PacketProcessor(index, mode, bindings, history), bindings)
    {
    }

    public MatchMode Mode => processor.Mode;

    /// <inheritdoc cref="PacketProcessor.NewestCaptureMs"/>
    public long NewestCaptureMs => processor.NewestCaptureMs;

    /// <summary>Binding statements learned from packets (with <see cref="MatchMode.Ip"/>).</summary>
    public long BindingsLearned { get; private set; }

    /// <summary>What the record last processed taught (the interval it made or changed), for other instances.</summary>
    public (IpAddressKey Address, IpBindings.Interval Interval)? Learned { get; private set; }

    /// <inheritdoc cref="PacketProcessor.Process"/>
    public PacketOutcome Process<TSink>(ReadOnlySpan<byte> value, ref TSink sink, out Rejection rejection, long? recordTimeMs = null)
        where TSink : IMatchSink
    {
        Learned = null;
        var outcome = processor.Process(value, ref sink, out rejection, recordTimeMs);
        if (outcome != PacketOutcome.Teaches) return outcome;
        Learned = (processor.Evidence.Address, bindings!.Learn(processor.Evidence, processor.EvidenceAtMs ?? bindings.NewestMs));
        BindingsLearned++;
        return processor.AttributeTaught(value, ref sink);
    }
}

using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;

namespace PcapWatch.Service;

/// <summary>
/// The packet path with its bindings kept up to date: <see cref="PacketProcessor"/> decides a record and, attributing
/// by IP, returns what it states about an address; this learns it into the bindings before the record's own sides are
/// attributed (a statement may bind the very address the record is sent from or to), and keeps what was learned for the
/// other instances. The only writer of the bindings on the packet path; what it may believe, <see cref="EvidenceGate"/>
/// decides.
/// </summary>
public sealed class LearningPacketProcessor(PacketProcessor processor, EvidenceGate? gate)
{
    public LearningPacketProcessor(PacketProcessor processor, IpBindings? bindings)
        : this(processor, bindings is null ? null : new EvidenceGate(bindings))
    {
    }

    public LearningPacketProcessor(WatchIndex index, MatchMode mode, IpBindings? bindings = null, OwnershipHistory? history = null,
        bool learnsAnswers = false, bool flows = false)
        : this(new PacketProcessor(index, mode, bindings, history, learnsAnswers, flows), bindings)
    {
    }

    public LearningPacketProcessor(WatchIndex index, MatchMode mode, EvidenceGate gate, OwnershipHistory? history = null,
        bool learnsAnswers = false, bool flows = false)
        : this(new PacketProcessor(index, mode, gate.Bindings, history, learnsAnswers, flows), gate)
    {
    }

    /// <inheritdoc cref="PacketProcessor.AnswerClient"/>
    public MacAddress? AnswerClient => processor.AnswerClient;

    /// <inheritdoc cref="PacketProcessor.FlowHosts"/>
    public List<(MacAddress Host, bool Outgoing, Flows.FlowOwner[] Owners)> FlowHosts => processor.FlowHosts;

    /// <inheritdoc cref="PacketProcessor.Fields"/>
    public ref readonly PacketFields Fields => ref processor.Fields;

    /// <inheritdoc cref="PacketProcessor.AnswerAtMs"/>
    public long? AnswerAtMs => processor.AnswerAtMs;

    /// <summary>What decides which statements are believed (null unless attributing by IP).</summary>
    public EvidenceGate? Gate => gate;

    public MatchMode Mode => processor.Mode;

    /// <inheritdoc cref="PacketProcessor.NewestCaptureMs"/>
    public long NewestCaptureMs => processor.NewestCaptureMs;

    /// <summary>Binding statements learned from packets (with <see cref="MatchMode.Ip"/>).</summary>
    public long BindingsLearned { get; private set; }

    /// <summary>
    /// Changes kept in this instance only: unwatched MACs' claims past <see cref="UnwatchedSharesPerMinute"/>.
    /// </summary>
    public long Unshared { get; private set; }

    /// <summary>
    /// How many claims of unwatched MACs are shared a minute (of capture time). A watched MAC's claims, and any claim
    /// that contests another, are always shared; the rest only help other instances see conflicts and MACs watched
    /// later, and a flood of them (IPv6 gives 2^64 addresses per link) must not become a flood of records every
    /// instance copies.
    /// </summary>
    public const int UnwatchedSharesPerMinute = 6_000;

    private long _shareMinute = long.MinValue;
    private int _sharedThisMinute;

    private bool MayShare(in LearnResult learned, long atMs)
    {
        if (learned.ConflictWith is not null || learned.Interval.Conflicted || processor.IsWatched(learned.Interval.Mac)) return true;
        long minute = atMs / 60_000;
        if (minute != _shareMinute)
        {
            _shareMinute = minute;
            _sharedThisMinute = 0;
        }
        if (++_sharedThisMinute <= UnwatchedSharesPerMinute) return true;
        Unshared++;
        return false;
    }

    /// <summary>
    /// What the record last processed taught other instances need to hear of (the interval it made or changed).
    /// </summary>
    public (IpAddressKey Address, IpBindings.Interval Interval)? Learned { get; private set; }

    /// <inheritdoc cref="PacketProcessor.Process"/>
    public PacketOutcome Process<TSink>(ReadOnlySpan<byte> value, ref TSink sink, out Rejection rejection, long? recordTimeMs = null)
        where TSink : IMatchSink
    {
        Learned = null;
        var outcome = processor.Process(value, ref sink, out rejection, recordTimeMs);
        if (outcome != PacketOutcome.Teaches) return outcome;
        long atMs = processor.EvidenceAtMs ?? gate!.Bindings.NewestMs;
        var learned = gate!.Learn(processor.Evidence, atMs);
        if (learned.ShouldPublish && MayShare(learned, atMs)) Learned = (processor.Evidence.Address, learned.Interval);
        BindingsLearned++;
        return processor.AttributeTaught(value, ref sink);
    }
}

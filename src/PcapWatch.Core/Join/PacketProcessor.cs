using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Join;

/// <summary>
/// Decides one pcap record, bytes in, outcome out: skipped, matched (each match handed to a sink), or rejected with a
/// reason. No Kafka, no I/O, nothing thrown for anything a record holds: the pcap loop, the fuzz test and the
/// benchmarks all run this same code. One instance per thread (it reuses its field buffer).
/// <para>
/// With <see cref="MatchMode.Ip"/>, every packet's sides are attributed: by the side's MAC when it is watched,
/// otherwise by the MAC that held the side's IP address in <paramref name="bindings"/> at the packet's capture time
/// (<c>frame.time_epoch</c>; a packet without one is judged at the newest evidence). A packet that states a binding
/// (DHCP ACK or RELEASE, ARP, a neighbour advertisement) is returned as <see cref="PacketOutcome.Teaches"/> with its
/// <see cref="Evidence"/>: the caller learns it and then asks for the sides (<see cref="AttributeTaught"/>). This class
/// only reads the bindings.
/// </para>
/// <para>
/// With a <paramref name="history"/> (attribution at capture time) a MAC's owners are those valid at the packet's
/// capture time (<c>frame.time_epoch</c>, else the record's timestamp), not the current ones.
/// </para>
/// </summary>
/// <param name="learnsAnswers">Names on: packets sent to a watched host (by MAC, or by IP attributing by IP) are read
/// past the gate too, and a DNS packet among them is reported as <see cref="AnswerClient"/> for its answers to be
/// learned.</param>
/// <param name="flows">Flows on: every packet a watched MAC sends or receives is read past the gate, whatever the mode
/// joins on, and its watched hosts are reported (<see cref="FlowHosts"/>).</param>
public sealed class PacketProcessor(WatchIndex index, MatchMode mode, IpBindings? bindings = null, OwnershipHistory? history = null,
    bool learnsAnswers = false, bool flows = false)
{
    private PacketFields _fields;

    /// <summary>The fields the scan read from the record last processed (valid until the next one).</summary>
    public ref readonly PacketFields Fields => ref _fields;

    /// <summary>
    /// Flows on: the watched hosts of the record last processed — its sender (outgoing) and its receiver — with their
    /// owners at the packet's time. Empty otherwise.
    /// </summary>
    public List<(MacAddress Host, bool Outgoing, Flows.FlowOwner[] Owners)> FlowHosts { get; } = [];

    /// <summary>
    /// The watched host the record last processed was sent to, when it is a DNS (mDNS, LLMNR) packet and names are on:
    /// its answers name what that host reaches next.
    /// </summary>
    public MacAddress? AnswerClient { get; private set; }

    /// <summary>When that packet was captured (<c>frame.time_epoch</c>, else the record's time; null: neither).</summary>
    public long? AnswerAtMs { get; private set; }

    public MatchMode Mode => mode;

    /// <summary>Whether <paramref name="mac"/> is watched (at any time kept, attributing at capture time).</summary>
    public bool IsWatched(MacAddress mac) => new WatchedMacGate(index, mode, bindings, history).IsWatched(mac);

    /// <summary>
    /// The newest capture time among the packets read past the gate so far (Unix ms; 0 before the first): with
    /// <see cref="MatchMode.Ip"/> every packet, at capture time those of a MAC watched at some time; not kept
    /// otherwise.
    /// </summary>
    public long NewestCaptureMs { get; private set; }

    /// <summary>
    /// The binding statement of the record last processed, when it returned <see cref="PacketOutcome.Teaches"/>.
    /// </summary>
    public BindingEvidence Evidence { get; private set; }

    /// <summary>
    /// When that statement was made: the packet's capture time (null: it has none; the caller judges it at its newest
    /// evidence).
    /// </summary>
    public long? EvidenceAtMs { get; private set; }

    // The time the taught record's owners are judged at, kept for AttributeTaught.
    private long _taughtOwnersAtMs;

    /// <param name="value">The record's value; empty for a null value.</param>
    /// <param name="recordTimeMs">The record's timestamp, when the caller knows it: attributing at capture time, the
    /// time of a packet without <c>frame.time_epoch</c> (without either, <see
    /// cref="PacketOutcome.NeedsRecordTime"/>).</param>
    public PacketOutcome Process<TSink>(ReadOnlySpan<byte> value, ref TSink sink, out Rejection rejection, long? recordTimeMs = null)
        where TSink : IMatchSink
    {
        rejection = default;
        AnswerClient = null;
        FlowHosts.Clear();
        if (value.IsEmpty) return Reject(RejectionCodes.Empty, "empty message", out rejection);
        if (value.Length > RecordLimits.MaxRecordBytes)
        {
            return Reject(RejectionCodes.TooLarge, $"{value.Length} bytes, over the {RecordLimits.MaxRecordBytes}-byte limit",
                out rejection);
        }

        var gate = new WatchedMacGate(index, mode, (mode & MatchMode.Ip) != 0 ? bindings : null, history, learnsAnswers, flows);
        var status = MatchPrefilter.Scan(value, ref _fields, ref gate);
        if (status != ExtractStatus.Complete) return Unmatched(status, out rejection);
        if (learnsAnswers && DnsMessageRule.MayHoldAnswers(value) && AnswerClientOf(value, in gate) is { } client)
        {
            AnswerClient = client;
            AnswerAtMs = _fields.TryGetCaptureTimeMs(value, out long answeredMs) ? answeredMs : recordTimeMs;
        }

        // The capture time matters only attributing by IP or at capture time: the recipe's path does not read it.
        long? at = null;
        if ((history is not null || gate.ByIp) && _fields.TryGetCaptureTimeMs(value, out long ms))
        {
            at = ms;
            if (ms > NewestCaptureMs) NewestCaptureMs = ms;
        }
        long ownersAt = 0;
        if (history is not null)
        {
            // The scan only got here because a MAC (or, by IP, any packet) may match: its time decides the owners.
            if ((at ?? recordTimeMs) is not { } t) return PacketOutcome.NeedsRecordTime;
            ownersAt = t;
        }

        if (flows) CollectFlowHosts(value, in gate, ownersAt);
        if (!gate.ByIp)
        {
            // In src mode records keep the recipe's exact shape; otherwise each says which side matched.
            bool matched = false;
            if (gate.TryGetSenders(in _fields, ownersAt, out var sender, out var senders))
            {
                matched |= Emit(value, sender, senders, mode == MatchMode.Src ? null : Direction.Out, null, false, ref sink);
            }
            if (gate.TryGetReceivers(in _fields, ownersAt, out var receiver, out var receivers))
            {
                matched |= Emit(value, receiver, receivers, Direction.In, null, false, ref sink);
            }
            return matched ? PacketOutcome.Matched : PacketOutcome.Skipped;
        }
        return AttributeByMacOrIp(value, in gate, at, ownersAt, ref sink);
    }

    /// <summary>
    /// The packet's watched sender, and its watched receiver when that is also the record's first dst (the rule the
    /// prefilter decides by: <see cref="FirstDestination"/>).
    /// </summary>
    private void CollectFlowHosts(ReadOnlySpan<byte> value, in WatchedMacGate gate, long ownersAt)
    {
        if (_fields.EthSrc is { } source && gate.OwnersOf(source, ownersAt, out var senders)) FlowHosts.Add((source, true, OwnersOf(senders)));
        if (_fields.EthDst is { IsGroup: false } destination && destination != _fields.EthSrc
            && FirstDestination.Is(value, destination) && gate.OwnersOf(destination, ownersAt, out var receivers))
        {
            FlowHosts.Add((destination, false, OwnersOf(receivers)));
        }
    }

    private static Flows.FlowOwner[] OwnersOf(OwnerList owners)
    {
        var result = new Flows.FlowOwner[owners.Count];
        int i = 0;
        foreach (var owner in owners)
        {
            result[i++] = new Flows.FlowOwner(System.Text.Encoding.UTF8.GetString(owner.EmpId),
                owner.HasEmpName ? System.Text.Encoding.UTF8.GetString(owner.EmpName) : "");
        }
        return result;
    }

    /// <summary>
    /// The watched host a DNS packet was sent to: by its eth.dst (when the record's first dst is that MAC), or attributing
    /// by IP (behind a router, where eth.dst is the router's) the one MAC that held its ip.dst then; none when the address
    /// is contested.
    /// </summary>
    private MacAddress? AnswerClientOf(ReadOnlySpan<byte> value, in WatchedMacGate gate)
    {
        // By MAC, the record's first dst must say the same: the prefilter decides from that one (DnsMessageRule).
        if (gate.AnswerClient(in _fields) is { } byMac && FirstDestination.Is(value, byMac))
        {
            return byMac;
        }
        if (!gate.ByIp || !IpAddressKey.TryParse(_fields[PacketField.IpDst].Of(value), out var address)) return null;
        long? at = _fields.TryGetCaptureTimeMs(value, out long ms) ? ms : null;
        return bindings!.TryGetHolder(address, at, out var mac) && gate.IsWatched(mac) ? mac : null;
    }

    private PacketOutcome AttributeByMacOrIp<TSink>(ReadOnlySpan<byte> value, in WatchedMacGate gate, long? at, long ownersAt, ref TSink sink)
        where TSink : IMatchSink
    {
        if (BindingExtractor.MayHoldEvidence(value) && BindingExtractor.TryRead(value, _fields.EthSrc, out var evidence))
        {
            Evidence = evidence;
            EvidenceAtMs = at;
            _taughtOwnersAtMs = ownersAt;
            return PacketOutcome.Teaches;
        }
        return AttributeSides(value, in gate, at, ownersAt, ref sink);
    }

    /// <summary>
    /// The sides of the record that last returned <see cref="PacketOutcome.Teaches"/>, once the caller has learned its
    /// <see cref="Evidence"/>: the same record, the same times.
    /// </summary>
    public PacketOutcome AttributeTaught<TSink>(ReadOnlySpan<byte> value, ref TSink sink) where TSink : IMatchSink
    {
        var gate = new WatchedMacGate(index, mode, bindings, history, learnsAnswers, flows);
        return AttributeSides(value, in gate, EvidenceAtMs, _taughtOwnersAtMs, ref sink);
    }

    private PacketOutcome AttributeSides<TSink>(ReadOnlySpan<byte> value, in WatchedMacGate gate, long? at, long ownersAt, ref TSink sink)
        where TSink : IMatchSink
    {
        bool matched = false;
        if (gate.JoinsSource)
        {
            if (gate.TryGetSenders(in _fields, ownersAt, out var sender, out var senders))
            {
                matched |= Emit(value, sender, senders, Direction.Out, AttributedBy.Mac, false, ref sink);
            }
            else matched |= EmitClaimants(value, in gate, _fields[PacketField.IpSrc].Of(value), at, ownersAt, Direction.Out, ref sink);
        }
        if (gate.JoinsDestination)
        {
            if (gate.TryGetReceivers(in _fields, ownersAt, out var receiver, out var receivers))
            {
                matched |= Emit(value, receiver, receivers, Direction.In, AttributedBy.Mac, false, ref sink);
            }
            else matched |= EmitClaimants(value, in gate, _fields[PacketField.IpDst].Of(value), at, ownersAt, Direction.In, ref sink);
        }
        return matched ? PacketOutcome.Matched : PacketOutcome.Skipped;
    }

    /// <summary>
    /// A side attributed by its IP address: to every watched MAC claiming the address at the packet's time. Two or more
    /// claimants (watched or not) make every such record say it is contested: no rule picks one of them.
    /// </summary>
    private bool EmitClaimants<TSink>(ReadOnlySpan<byte> value, in WatchedMacGate gate, ReadOnlySpan<byte> address, long? at, long ownersAt,
        string direction, ref TSink sink)
        where TSink : IMatchSink
    {
        if (!IpAddressKey.TryParse(address, out var key)) return false;
        var claims = bindings!.ClaimsAt(key, at);
        bool matched = false;
        foreach (var claim in claims)
        {
            if (gate.OwnersOf(claim.Mac, ownersAt, out var owners))
            {
                matched |= Emit(value, claim.Mac, owners, direction, AttributedBy.Ip, claims.Contested, ref sink);
            }
        }
        return matched;
    }

    private bool Emit<TSink>(ReadOnlySpan<byte> packet, MacAddress mac, OwnerList owners, string? direction,
        string? attributedBy, bool contested, ref TSink sink)
        where TSink : IMatchSink
    {
        bool any = false;
        foreach (var owner in owners)
        {
            sink.OnMatch(packet, in _fields, mac, in owner, direction, attributedBy, contested);
            any = true;
        }
        return any;
    }

    /// <summary>
    /// A record the scan did not let through: skipped (unwatched), or rejected with the scan's reason.
    /// </summary>
    private static PacketOutcome Unmatched(ExtractStatus status, out Rejection rejection)
    {
        rejection = default;
        return status switch
        {
            ExtractStatus.Skipped => PacketOutcome.Skipped,
            ExtractStatus.NotAPacket => Reject(RejectionCodes.NotAPacket, "valid JSON without a \"layers\" object", out rejection),
            ExtractStatus.InvalidJson => Reject(RejectionCodes.InvalidJson, "not valid JSON (or cut off)", out rejection),
            ExtractStatus.TooDeep => Reject(RejectionCodes.TooDeep, $"nested deeper than {PacketExtractor.MaxDepth} levels", out rejection),
            ExtractStatus.InvalidEscape => Reject(RejectionCodes.InvalidEscape,
                "a property name holds a \\u escape that is not UTF-16 (a lone surrogate)", out rejection),
            ExtractStatus.InvalidUtf8 => Reject(RejectionCodes.InvalidUtf8, "an escaped property name is not UTF-8", out rejection),
            _ => Reject(RejectionCodes.ProcessingError, $"the scan ended as {status}", out rejection),
        };
    }

    private static PacketOutcome Reject(string code, string detail, out Rejection rejection)
    {
        rejection = new Rejection(code, detail);
        return PacketOutcome.Rejected;
    }
}

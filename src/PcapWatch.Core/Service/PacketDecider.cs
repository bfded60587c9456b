using Microsoft.Extensions.Logging;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Output;
using PcapWatch.Packets;

namespace PcapWatch.Service;

/// <summary>
/// Decides one pcap record where librdkafka holds it (see <see cref="Kafka.NativeRecordBatch"/>): an unwatched packet
/// is never copied. A match is encoded here and waits in <see cref="Pending"/> until the loop produces it with the
/// record's timestamp; a rejected record is copied, key and value, with its reason, for the dead-letter topic.
/// </summary>
/// <param name="maxMatchBytes"> The largest match value produced. A packet whose match would be larger (fields of
/// invalid UTF-8 grow threefold as U+FFFD) is dead-lettered as <c>match_too_large</c>: a record the producer or the
/// broker would refuse for good must never reach either. </param>
/// <param name="names">Read each matched packet's name (<see cref="PacketNameReader"/>) into its matches.</param>
/// <param name="passiveDns">With names: learns the DNS answers sent to watched hosts, and names a match whose packet
/// carries no name by what its remote address was given as.</param>
public sealed class PacketDecider(LearningPacketProcessor processor, IMatchEncoder encoder, ILogger log,
    int maxMatchBytes = DeadLetterWriter.DefaultMaxBytes, bool names = false, Names.PassiveDns? passiveDns = null) : IMatchSink
{
    // The size of the largest match of the record being decided that did not fit (0: all fit).
    private int _oversizedMatch;

    // The record's name, read at its first match (a record's matches share it); Off until then, and without names.
    private PacketName _name;

    /// <summary>The matches of the record last decided: the watched MAC and the encoded output value.</summary>
    public List<(MacAddress Mac, byte[] Value)> Pending { get; } = [];

    /// <summary>
    /// Matches made, by where their name came from (indexed by <see cref="NameSource"/>; <see cref="NameSource.None"/>:
    /// what could not be named). Names on; read on the pipeline thread.
    /// </summary>
    public long[] MatchesByNameSource { get; } = new long[Enum.GetValues<NameSource>().Length];

    /// <summary>
    /// Flows on: the <c>WATCHED_EMP_PACKETS</c> records of the record last decided — one per watched host it was sent
    /// by or to — as the host and the encoded value (<see cref="Flows.FlowPacketCodec"/>).
    /// </summary>
    public List<(MacAddress Host, byte[] Value)> PendingFlowPackets { get; } = [];

    /// <summary>What DNS answers in the record last decided told a watched host (names on).</summary>
    public List<Names.NameStatement> LearnedNames { get; } = [];

    /// <summary>The binding the record last decided taught, if any (attributing by IP).</summary>
    public (IpAddressKey Address, IpBindings.Interval Interval)? Learned => processor.Learned;

    /// <summary>
    /// The newest capture time of the packets read past the gate (0 before the first; see PacketProcessor).
    /// </summary>
    public long NewestCaptureMs => processor.NewestCaptureMs;

    /// <summary>Decides a record; the key is copied only for a record that is rejected or needs its time.</summary>
    public PacketDecision Decide(ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        Pending.Clear();
        LearnedNames.Clear();
        PendingFlowPackets.Clear();
        _oversizedMatch = 0;
        _name = default;
        try
        {
            var sink = this;
            var outcome = processor.Process(valueIsNull ? default : value, ref sink, out var rejection);
            LearnAnswers(value);
            CollectFlowPackets(value);
            if (_oversizedMatch > 0) return Oversized(valueIsNull ? null : value.ToArray(), Copy(key, keyIsNull));
            return outcome switch
            {
                PacketOutcome.Skipped => PacketDecision.Skipped,
                PacketOutcome.Matched => PacketDecision.Matched,
                PacketOutcome.NeedsRecordTime => PacketDecision.NeedsRecordTime(value.ToArray(), Copy(key, keyIsNull)),
                _ => PacketDecision.Rejected(rejection, valueIsNull ? null : value.ToArray(), Copy(key, keyIsNull)),
            };
        }
        catch (Exception ex) when (RecordFaults.AreTheRecords(ex))
        {
            // Every known bad input has a status; this is the net under that claim, so one record can never stop the
            // loop. Logged with the exception: it is a bug to fix.
            log.LogError(ex, "Processing a pcap record failed; dead-lettering it");
            Pending.Clear();
            PendingFlowPackets.Clear();
            return PacketDecision.Rejected(new Rejection(RejectionCodes.ProcessingError, $"{ex.GetType().Name}: {ex.Message}"),
                valueIsNull ? null : value.ToArray(), Copy(key, keyIsNull));
        }
    }

    private static byte[]? Copy(ReadOnlySpan<byte> key, bool isNull) => isNull ? null : key.ToArray();

    /// <summary>
    /// Decides a record again with its timestamp (one <see cref="PacketDecision.NeedsRecordTime"/> returned):
    /// attributing at capture time, a packet without <c>frame.time_epoch</c> is attributed at the record's time.
    /// </summary>
    public PacketDecision DecideAt(PacketDecision undecided, long recordTimeMs)
    {
        Pending.Clear();
        LearnedNames.Clear();
        PendingFlowPackets.Clear();
        _oversizedMatch = 0;
        _name = default;
        var value = undecided.Value!;
        try
        {
            var sink = this;
            var outcome = processor.Process(value, ref sink, out var rejection, recordTimeMs);
            LearnAnswers(value);
            CollectFlowPackets(value);
            if (_oversizedMatch > 0) return Oversized(value, undecided.Key);
            return outcome switch
            {
                PacketOutcome.Matched => PacketDecision.Matched,
                PacketOutcome.Rejected => PacketDecision.Rejected(rejection, value, undecided.Key),
                _ => PacketDecision.Skipped,
            };
        }
        catch (Exception ex) when (RecordFaults.AreTheRecords(ex))
        {
            log.LogError(ex, "Processing a pcap record at its record time failed; dead-lettering it");
            Pending.Clear();
            PendingFlowPackets.Clear();
            return PacketDecision.Rejected(new Rejection(RejectionCodes.ProcessingError, $"{ex.GetType().Name}: {ex.Message}"), value, undecided.Key);
        }
    }

    /// <summary>
    /// The whole record goes to the dead letters, none of its matches to the output: one outcome per record.
    /// </summary>
    private PacketDecision Oversized(byte[]? value, byte[]? key)
    {
        Pending.Clear();
        PendingFlowPackets.Clear();
        return PacketDecision.Rejected(new Rejection(RejectionCodes.MatchTooLarge,
            $"its match would be {_oversizedMatch} bytes, over the {maxMatchBytes}-byte limit of an output record"), value, key);
    }

    void IMatchSink.OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
        string? attributedBy, bool contested)
    {
        if (names && _name.Source == NameSource.Off)
        {
            _name = PacketNameReader.MayCarryName(fields[PacketField.FrameProtocols].Of(packet)) ? PacketNameReader.Find(packet) : PacketName.Unnamed;
        }
        var name = _name.Source == NameSource.None && passiveDns is not null ? Answered(packet, in fields, mac, direction) : _name;
        var value = encoder.Encode(packet, in fields, mac, in owner, direction, attributedBy, contested, name);
        if (value.Length > maxMatchBytes) _oversizedMatch = Math.Max(_oversizedMatch, value.Length);
        else
        {
            Pending.Add((mac, value));
            MatchesByNameSource[(int)name.Source]++;
        }
    }

    /// <summary>
    /// Flows on: the packet as each of its watched hosts sees it (none when it is not an IP packet). Its name is the one
    /// its matches were given, when names are on and it matched.
    /// </summary>
    private void CollectFlowPackets(ReadOnlySpan<byte> value)
    {
        foreach (var (host, outgoing, owners) in processor.FlowHosts)
        {
            string? name = _name.Source is NameSource.Off or NameSource.None ? null : _name.Name;
            if (Flows.FlowPacketBuilder.Build(value, in processor.Fields, host, outgoing, owners, name, 0, 0, 0) is { } packet)
            {
                PendingFlowPackets.Add((host, Flows.FlowPacketCodec.Encode(packet)));
            }
        }
    }

    /// <summary>A DNS packet sent to a watched host: what its answers told that host.</summary>
    private void LearnAnswers(ReadOnlySpan<byte> value)
    {
        if (passiveDns is null || processor.AnswerClient is not { } client || processor.AnswerAtMs is not { } at) return;
        if (DnsAnswerReader.Read(value) is { } response) passiveDns.Learn(response, client, at, LearnedNames);
    }

    /// <summary>
    /// A match whose packet carries no name: its remote address (the destination of what the watched host sent, the
    /// source of what it received) as a DNS answer named it at the packet's capture time.
    /// </summary>
    private PacketName Answered(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, string? direction)
    {
        var remote = fields[direction == Join.Direction.In ? PacketField.IpSrc : PacketField.IpDst].Of(packet);
        return IpAddressKey.TryParse(remote, out var address) && fields.TryGetCaptureTimeMs(packet, out long at)
            ? passiveDns!.NameOf(address, mac, at)
            : _name;
    }
}

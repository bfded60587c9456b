using PcapWatch.Bindings;
using PcapWatch.Packets;

namespace PcapWatch.Join;

/// <summary>
/// Proves with vectorised byte searches, before any JSON is tokenized, that a packet cannot match; the
/// <see cref="PacketExtractor"/> scan stays the reference and runs whenever the proof fails.
/// <para>
/// Why it is sound. The scan joins on the value of a property of the first <c>eth</c> layer whose name is <c>src</c>,
/// <c>eth.src</c> or <c>eth_eth_src</c> (<c>dst</c> likewise). Unless written with a <c>\u</c> escape, each of those
/// names ends in the bytes <c>src"</c> followed by optional whitespace and a colon. So every property the scan could
/// join on is among the occurrences of <c>src"</c> + <c>:</c> anywhere in the record, wherever they are in the tree.
/// The prefilter reads the value after each occurrence with the scan's own rules: an unescaped string, a number or the
/// first element of an array, parsed with <see cref="MacAddress.TryParse(ReadOnlySpan{byte}, out MacAddress)"/>. If
/// none of them is a watched MAC, the scan's value is not one either. Anything it does not understand (an escape in a
/// name, an odd value) means "ask the scan".
/// </para>
/// <para>
/// What it does not do: validate JSON. So that bad records still reach the scan and the dead-letter topic with their
/// reason, a record is only skipped when it looks like a real dissection: it starts with <c>{</c>, ends with <c>}</c>,
/// contains <c>"layers"</c>, and at least one candidate holds a MAC (an unwatched one). Garbage, truncated lines and
/// hostile nesting without a MAC go to the scan. Malformed JSON elsewhere in a record from an unwatched MAC is skipped
/// unreported, as the scan's early exit after the Ethernet layer already skipped everything after that layer.
/// </para>
/// </summary>
internal static class MatchPrefilter
{
    private enum Candidate : byte { NotAProperty, NotAMac, Mac, Ip, Unknown }

    private enum Verdict : byte { NoMac, OnlyUnwatchedMacs, MightMatch }

    /// <summary>The hot path: the prefilter, then the scan when the prefilter cannot decide.</summary>
    public static ExtractStatus Scan(ReadOnlySpan<byte> record, ref PacketFields fields, ref WatchedMacGate gate) =>
        CannotMatch(record, in gate) ? ExtractStatus.Skipped : PacketExtractor.Extract(record, ref fields, ref gate);

    /// <summary>
    /// True only when no property the scan could join on holds a MAC that <paramref name="gate"/> watches.
    /// </summary>
    public static bool CannotMatch(ReadOnlySpan<byte> record, in WatchedMacGate gate)
    {
        if (!LooksLikeAPacket(record)) return false;
        // Names written with \u escapes are invisible to a byte search. (Other escapes cannot spell a letter, '.' or
        // '_'.)
        if (record.IndexOf("\\u"u8) >= 0) return false;
        // Attributing by IP: a packet that may state a binding is always read (it teaches, whoever sent it).
        if (gate.ByIp && BindingExtractor.MayHoldEvidence(record)) return false;
        var verdict = Verdict.NoMac;
        if (gate.ReadsSource) verdict = Candidates(record, "src\""u8, in gate, source: true);
        if (verdict == Verdict.MightMatch) return false;
        if (gate.JoinsDestination || (gate.ByIp && gate.LearnsAnswers && DnsMessageRule.MayHoldAnswers(record)))
        {
            verdict = Max(verdict, Candidates(record, "dst\""u8, in gate, source: false));
        }
        else if (((gate.LearnsAnswers && !gate.ByIp) || gate.Flows) && MayTellItsReceiver(record, in gate)) return false;
        return verdict == Verdict.OnlyUnwatchedMacs;
    }

    /// <summary>
    /// Names or flows on, a packet sent to a watched host is read for what it tells that host: its DNS answers, its
    /// receiver's flow. The scan reads it for either only when the host's MAC is the record's first <c>dst</c> (<see
    /// cref="FirstDestination"/>), and for answers only from records <see cref="DnsMessageRule"/> admits: the same rules,
    /// asked of the same bytes, so no other <c>dst</c> is looked up at all. (Attributing by IP an answer's client may be
    /// any watched holder of ip.dst: there every destination is read for answers, above.)
    /// </summary>
    private static bool MayTellItsReceiver(ReadOnlySpan<byte> record, in WatchedMacGate gate) =>
        FirstDestination.TryRead(record, out var receiver) && gate.WouldReadDestination(receiver)
        && (gate.Flows || DnsMessageRule.MayHoldAnswers(record));

    private static Verdict Max(Verdict a, Verdict b) => a > b ? a : b;

    private static bool LooksLikeAPacket(ReadOnlySpan<byte> record)
    {
        // Cut-off lines (a truncated capture, a partial write) fail the last test and are dead-lettered by the scan.
        // Scalar trims: a record has a line end around it at most, and a vector search from the end cost more to set
        // up.
        int first = 0, last = record.Length - 1;
        while (first <= last && IsWhitespace(record[first])) first++;
        while (last > first && IsWhitespace(record[last])) last--;
        return first <= last && record[first] == (byte)'{' && record[last] == (byte)'}' && record.IndexOf("\"layers\""u8) >= 0;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static Verdict Candidates(ReadOnlySpan<byte> record, ReadOnlySpan<byte> nameEnd, in WatchedMacGate gate,
        bool source)
    {
        var verdict = Verdict.NoMac;
        int from = 0;
        while (true)
        {
            int hit = record[from..].IndexOf(nameEnd);
            if (hit < 0) return verdict;
            from += hit + nameEnd.Length;
            switch (ReadCandidate(record, from, gate.ByIp, out var mac, out var address))
            {
                case Candidate.Unknown:
                    return Verdict.MightMatch;
                case Candidate.Ip when source ? gate.MightAttributeSource(address) : gate.MightAttributeDestination(address):
                    return Verdict.MightMatch;
                case Candidate.Mac when source ? gate.WouldReadSource(mac) : gate.WouldReadDestination(mac):
                    return Verdict.MightMatch;
                case Candidate.Mac:
                    verdict = Verdict.OnlyUnwatchedMacs;
                    break;
            }
        }
    }

    /// <summary>Reads what follows a name's closing quote as the scan would read that property's value.</summary>
    private static Candidate ReadCandidate(ReadOnlySpan<byte> record, int at, bool byIp, out MacAddress mac,
        out IpAddressKey address)
    {
        mac = default;
        address = default;
        at = SkipWhitespace(record, at);
        if (at >= record.Length || record[at] != (byte)':') return Candidate.NotAProperty;
        at = SkipWhitespace(record, at + 1);
        if (at >= record.Length) return Candidate.Unknown;
        byte first = record[at];
        if (first == (byte)'[')
        {
            // -T ek: the scan takes the first scalar of an array. A string or a number is easy; anything else is not.
            at = SkipWhitespace(record, at + 1);
            if (at >= record.Length) return Candidate.Unknown;
            first = record[at];
            if (first == (byte)']') return Candidate.NotAMac;
            if (first != (byte)'"' && !IsNumberStart(first)) return Candidate.Unknown;
        }
        if (first == (byte)'"') return ReadString(record, at + 1, byIp, out mac, out address);
        if (IsNumberStart(first)) return ReadNumber(record, at, out mac);
        // true, false, null and objects never give a MAC; anything else is not JSON the prefilter understands.
        return first is (byte)'t' or (byte)'f' or (byte)'n' or (byte)'{' ? Candidate.NotAMac : Candidate.Unknown;
    }

    private static Candidate ReadString(ReadOnlySpan<byte> record, int start, bool byIp, out MacAddress mac,
        out IpAddressKey address)
    {
        mac = default;
        address = default;
        int length = record[start..].IndexOfAny((byte)'"', (byte)'\\');
        if (length < 0) return Candidate.Unknown;
        // A backslash before the closing quote stays in the raw bytes the scan parses, and no MAC spelling has one.
        if (record[start + length] == (byte)'\\') return Candidate.NotAMac;
        var text = record.Slice(start, length);
        if (MacAddress.TryParse(text, out mac)) return Candidate.Mac;
        // An address (ip.src, ipv6.dst, …) counts only when attributing by IP; the scan parses it the same way.
        return byIp && IpAddressKey.TryParse(text, out address) ? Candidate.Ip : Candidate.NotAMac;
    }

    private static Candidate ReadNumber(ReadOnlySpan<byte> record, int start, out MacAddress mac)
    {
        mac = default;
        int length = record[start..].IndexOfAnyExcept("0123456789+-.eE"u8);
        if (length < 0) return Candidate.Unknown;
        byte next = record[start + length];
        if (next is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return Candidate.Unknown;
        }
        // A 12-digit number is a bare MAC spelling to the scan (ek may write a value unquoted).
        return MacAddress.TryParse(record.Slice(start, length), out mac) ? Candidate.Mac : Candidate.NotAMac;
    }

    private static bool IsNumberStart(byte b) => b is (byte)'-' or (>= (byte)'0' and <= (byte)'9');

    private static int SkipWhitespace(ReadOnlySpan<byte> record, int at)
    {
        while (at < record.Length && IsWhitespace(record[at])) at++;
        return at;
    }
}

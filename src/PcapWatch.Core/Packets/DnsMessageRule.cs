namespace PcapWatch.Packets;

/// <summary>
/// Which records passive DNS reads for answers: those whose first <c>protocols</c> property (tshark's
/// <c>frame.protocols</c>, <c>frame_frame_protocols</c> in <c>-T ek</c>, plain <c>protocols</c> in the recipe's 2018
/// shape) names <c>dns</c> (also mDNS) or <c>llmnr</c>.
/// <para>
/// Why a byte rule, and not the scan's parsed field: the prefilter and the scan must ask exactly the same question for
/// the prefilter to be sound, and this one is cheap enough to ask of every record. tshark writes the frame layer first,
/// so the search stops within its first few hundred bytes, where searching a whole record for <c>dns</c> did not. A
/// record that names its protocols some other way (escaped, missing) teaches no answers, as before.
/// </para>
/// </summary>
internal static class DnsMessageRule
{
    /// <summary>Whether <paramref name="record"/> is read for DNS answers (when sent to a watched host).</summary>
    public static bool MayHoldAnswers(ReadOnlySpan<byte> record) => FirstProperty.TryString(record, "protocols\""u8, out var protocols) switch
    {
        FirstProperty.Read.Text => protocols.IndexOf("dns"u8) >= 0 || protocols.IndexOf("llmnr"u8) >= 0,
        // An escape inside the list may spell anything: read the record rather than guess.
        FirstProperty.Read.Escaped => true,
        _ => false,
    };
}

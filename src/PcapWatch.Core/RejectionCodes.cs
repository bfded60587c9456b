namespace PcapWatch;

/// <summary>
/// The reason codes a record can be dead-lettered with. pcap records: empty, too_large, invalid_json, too_deep,
/// invalid_escape, invalid_utf8, not_a_packet, match_too_large, processing_error. Table rows: the same JSON codes, plus
/// not_an_object, no_key, bad_key and bad_field.
/// </summary>
public static class RejectionCodes
{
    public const string Empty = "empty";
    public const string TooLarge = "too_large";
    public const string InvalidJson = "invalid_json";
    public const string TooDeep = "too_deep";
    public const string InvalidEscape = "invalid_escape";
    public const string InvalidUtf8 = "invalid_utf8";
    public const string NotAPacket = "not_a_packet";
    /// <summary>The packet is fine, but its match would be larger than an output record may be.</summary>
    public const string MatchTooLarge = "match_too_large";
    public const string NotAnObject = "not_an_object";
    public const string NoKey = "no_key";
    public const string BadKey = "bad_key";
    public const string BadField = "bad_field";
    /// <summary>The last line of defence: processing a record threw although every known case has a status.</summary>
    public const string ProcessingError = "processing_error";
}

namespace PcapWatch.Ingest;

/// <summary>
/// One record read from an input file: its key (null for none), value (null for a tombstone), and where it was. A
/// record too large to send has no value, only its size (<see cref="OversizedBytes"/>).
/// </summary>
public readonly record struct InputRecord(byte[]? Key, byte[]? Value, long LineNumber, long OversizedBytes = 0)
{
    /// <summary>The record's timestamp (event time); null lets the producer stamp it.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public bool IsTooLarge => OversizedBytes > 0;

    public static InputRecord TooLarge(byte[]? key, long bytes, long lineNumber) => new(key, null, lineNumber, bytes);
}

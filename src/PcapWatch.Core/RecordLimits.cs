namespace PcapWatch;

/// <summary>Sizes every stage agrees on.</summary>
public static class RecordLimits
{
    /// <summary>
    /// Largest record PcapWatch writes or expects (real tshark lines reach 2.5 MB; Kafka's default is 1 MB).
    /// </summary>
    public const int MaxRecordBytes = 8 * 1024 * 1024;
}

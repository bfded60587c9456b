namespace PcapWatch.Ingest;

/// <summary>What a publish did: records written, and records refused (too large) with where they were.</summary>
public sealed record PublishResult(long Produced, long Bytes, IReadOnlyList<long> OversizedLines);

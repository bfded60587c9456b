namespace PcapWatch.Ingest;

/// <summary>One record read from an input file: its key (null for none), value (null for a tombstone), and where it was.</summary>
public readonly record struct InputRecord(byte[]? Key, byte[]? Value, long LineNumber);

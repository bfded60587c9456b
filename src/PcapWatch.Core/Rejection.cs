namespace PcapWatch;

/// <summary>
/// Why a record was dead-lettered: a stable code (header, counters, alerts) and a detail for a person.
/// </summary>
public readonly record struct Rejection(string Code, string Detail);

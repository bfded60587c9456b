namespace PcapWatch.Dashboard;

/// <summary>One instance's health as its /metrics last told it; <see cref="Error"/> when it did not answer.</summary>
public sealed record InstanceHealth(string Url, DateTimeOffset? Scraped, string? Error, double? Lag, double? DeadLetters,
    bool? TablesCurrent, double? Packets, double? Matches);

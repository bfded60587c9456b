namespace PcapWatch.Dashboard;

/// <summary>
/// The windows the page offers, in event time, ending at the newest match read (stream time, as a stream processor
/// has it: a capture replayed a day later shows its own hour, not an empty one). Each is drawn as <see cref="Bars"/>
/// buckets of a ring's width.
/// </summary>
public sealed record TrafficWindowSpec(string Name, TimeSpan Length, bool Fine)
{
    public static readonly TrafficWindowSpec Minutes15 = new("15m", TimeSpan.FromMinutes(15), Fine: true);
    public static readonly TrafficWindowSpec Hour = new("1h", TimeSpan.FromHours(1), Fine: true);
    public static readonly TrafficWindowSpec Day = new("24h", TimeSpan.FromHours(24), Fine: false);

    public static readonly IReadOnlyList<TrafficWindowSpec> All = [Minutes15, Hour, Day];

    /// <summary>Fine windows use minute buckets, the day quarter-hours.</summary>
    public static readonly TimeSpan FineBucket = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan CoarseBucket = TimeSpan.FromMinutes(15);

    public long BucketMs => (long)(Fine ? FineBucket : CoarseBucket).TotalMilliseconds;

    public int Bars => (int)(Length / (Fine ? FineBucket : CoarseBucket));

    public static TrafficWindowSpec? Parse(string? name) =>
        string.IsNullOrEmpty(name) ? Hour : All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));
}

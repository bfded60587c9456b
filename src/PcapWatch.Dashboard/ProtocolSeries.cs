namespace PcapWatch.Dashboard;

/// <summary>
/// One employee's traffic of one protocol: minute buckets for the last hour, quarter-hours for the last day.
/// </summary>
internal sealed class ProtocolSeries
{
    public BucketRing Fine { get; } = new(TrafficWindowSpec.FineBucket, (int)(TrafficWindowSpec.Hour.Length / TrafficWindowSpec.FineBucket));
    public BucketRing Coarse { get; } = new(TrafficWindowSpec.CoarseBucket, (int)(TrafficWindowSpec.Day.Length / TrafficWindowSpec.CoarseBucket));

    public void Add(long timestampMs, long bytes)
    {
        Fine.Add(timestampMs, bytes);
        Coarse.Add(timestampMs, bytes);
    }

    public BucketRing For(TrafficWindowSpec window) => window.Fine ? Fine : Coarse;
}

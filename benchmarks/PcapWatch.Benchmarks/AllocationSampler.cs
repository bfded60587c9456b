using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>e2e --alloc-types</c>: the runtime's allocation samples (one per ~100 KB allocated, with the type that crossed
/// the mark) summed by type, to see what a loop allocates besides Confluent.Kafka's own per-record objects.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytesByType = new();
    private volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1) at Verbose carries GCAllocationTick.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        int typeAt = e.PayloadNames!.IndexOf("TypeName"), amountAt = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeAt < 0 || amountAt < 0) return;
        var type = e.Payload[typeAt] as string ?? "?";
        long amount = Convert.ToInt64(e.Payload[amountAt], System.Globalization.CultureInfo.InvariantCulture);
        _bytesByType.AddOrUpdate($"{type} (thread {e.OSThreadId})", amount, (_, total) => total + amount);
    }

    public void Start() => _on = true;

    public void Stop() => _on = false;

    public void Print(int top)
    {
        foreach (var (type, bytes) in _bytesByType.OrderByDescending(e => e.Value).Take(top))
        {
            Console.WriteLine($"  {bytes / 1024,10:N0} KB  {type}");
        }
    }
}

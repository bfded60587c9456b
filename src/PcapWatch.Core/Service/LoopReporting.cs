using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Service;

/// <summary>
/// The running loop's reports: progress counters for other threads, the metrics' snapshot, the status line, and the
/// check that the cluster still accepts the instance's credentials. Made on the loop's thread, which it measures.
/// </summary>
internal sealed class LoopReporting(PacketStage joiner, TableChangeStream changes, DeadLetterWriter deadLetters, PipelineProgress progress,
    PipelineMetrics metrics, StatusLine status, KafkaConnectivity kafka, string bootstrapServers) : ILoopReporting
{
    private readonly long _allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

    public void OnTablesPolled(int changed)
    {
        if (changed > 0 && changes.History is not null) progress.OnLateTableChanges(changes.LateChanges);
    }

    public void OnBindingsPolled(int records, long late)
    {
        // Late first: whoever sees the records read also sees what they said about lateness.
        progress.OnBindingsLate(late);
        progress.OnBindingsRead(records);
    }

    public void OnPacketsPolled(int packets, long? lastWrittenMs)
    {
        if (packets > 0 && lastWrittenMs is { } writtenMs) metrics.RecordLatency(writtenMs);
    }

    public void OnStateOnDiskCurrent() => metrics.OnCheckpoint();

    public void Refresh()
    {
        metrics.Update(joiner, changes, deadLetters);
        RecordAllocated();
    }

    /// <summary>What the loop's thread allocated since the loop began (the hot path's discipline, measured).</summary>
    public void RecordAllocated() => progress.OnLoopAllocated(GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore);

    public void LogStatusIfDue() => status.LogIfDue();

    public void CheckHealth() => ClusterWait.ThrowIfRefused(kafka, bootstrapServers);
}

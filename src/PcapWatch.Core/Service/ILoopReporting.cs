namespace PcapWatch.Service;

/// <summary>What the loop tells the metrics, the progress counters and the status line, and asks of the cluster's
/// health (<see cref="LoopReporting"/>).</summary>
internal interface ILoopReporting
{
    void OnTablesPolled(int changes);

    void OnBindingsPolled(int records, long late);

    void OnPacketsPolled(int packets, long? lastWrittenMs);

    /// <summary>The state on disk is the tables' as they are now (the checkpoint's age starts again).</summary>
    void OnStateOnDiskCurrent();

    /// <summary>The gauges only the loop's thread may read, copied for the exporter (once a second).</summary>
    void Refresh();

    void LogStatusIfDue();

    /// <summary>
    /// Throws when the cluster refused the credentials (rotated, revoked): retrying cannot fix it, an operator must.
    /// </summary>
    void CheckHealth();
}

using PcapWatch.Index;
using PcapWatch.Tables;

namespace PcapWatch.Service;

/// <summary>
/// What start-up recovered from the state directory: both table stores (from a trusted checkpoint, or empty), the
/// index rows their scans showed, the attribution history, and per table topic the offsets to resume reading at (a
/// topic that is absent is read from the beginning). Owns the stores until disposed.
/// </summary>
internal sealed class RecoveredState(FasterTableStore employees, FasterTableStore computers, IndexRebuild rebuild, OwnershipHistory? history,
    IReadOnlyDictionary<string, Dictionary<int, long>> resume) : IDisposable
{
    public FasterTableStore Employees { get; } = employees;
    public FasterTableStore Computers { get; } = computers;

    /// <summary>The watched owners the recovered stores hold, to be adopted by the index.</summary>
    public IndexRebuild Rebuild { get; } = rebuild;

    /// <summary>
    /// Table versions kept for attribution at capture time (null when attributing to the latest owner).
    /// </summary>
    public OwnershipHistory? History { get; } = history;

    public IReadOnlyDictionary<string, Dictionary<int, long>> Resume { get; } = resume;

    /// <summary>Whether any table serves from a checkpoint (otherwise everything is read from the topics).</summary>
    public bool Resumed => Resume.Count > 0;

    public void Dispose()
    {
        Employees.Dispose();
        Computers.Dispose();
    }
}

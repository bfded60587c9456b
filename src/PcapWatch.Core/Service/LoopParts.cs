namespace PcapWatch.Service;

/// <summary>What <see cref="PipelineLoop"/> drives, and how often it commits and checkpoints.</summary>
internal sealed record LoopParts(ITableFeed Tables, IBindingsFeed? Bindings, IPacketStage Packets, CommitCoordinator Commits,
    IChangelogReconcile? Changelog, ILoopReporting Reporting)
{
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);
}

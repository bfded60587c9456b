using Confluent.Kafka;
using PcapWatch.Changelog;
using PcapWatch.Index;

namespace PcapWatch.Service;

/// <summary>The instance's changelog, reconciled with its index over the instance's cluster settings.</summary>
internal sealed class ChangelogReconciler(WatchChangelog changelog, WatchIndex index, PipelineOptions options, List<TopicPartition>? partitions)
    : IChangelogReconcile
{
    public bool Reconciling => changelog.Reconciling;

    public void Begin(CancellationToken stop) =>
        changelog.BeginReconcile(options.BootstrapServers, index, options.ConsumerProperties, stop, partitions);

    public void StepIfRead() => changelog.ReconcileIfRead();

    public void Again(CancellationToken stop) =>
        changelog.Reconcile(options.BootstrapServers, index, options.ConsumerProperties, stop, partitions);

    public bool Finish(CancellationToken giveUp) => changelog.FinishReconcile(giveUp);
}

using Confluent.Kafka;
using PcapWatch.Bindings;
using PcapWatch.Kafka;
using PcapWatch.Names;

namespace PcapWatch.Service;

/// <summary>
/// What the record last decided taught this instance — an IP ↔ MAC binding, what a DNS answer named — published for
/// the other instances, on the packet thread, right after the record (before any commit past it).
/// </summary>
internal sealed class LearnedStatePublisher(SharedBindings? bindings, SharedNames? names, PacketOutput output, PipelineProgress progress)
{
    public SharedBindings? Bindings => bindings;

    public void PublishFrom(PacketDecider decider)
    {
        if (decider.Learned is { } learned)
        {
            progress.OnBindingLearned();
            bindings?.Publish(output.Producer, output.Deliveries, learned.Address, learned.Interval);
        }
        if (names is not null && decider.LearnedNames.Count > 0) names.Publish(output.Producer, output.Deliveries, decider.LearnedNames);
    }
}

using Confluent.Kafka;
using PcapWatch.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Service;

/// <summary>Where the packet stage's records go: the instance's producer and its accounting, the dead letters, and the
/// commit coordinator that says when consumed offsets are safe.</summary>
internal sealed record PacketOutput(IProducer<byte[], byte[]?> Producer, DeliveryTracker Deliveries, DeadLetterWriter DeadLetters,
    CommitCoordinator Commits);

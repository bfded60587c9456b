using PcapWatch.Service;

namespace PcapWatch.Demo;

/// <summary>What a demo run did; <see cref="FlowPackets"/>: with <c>--flows</c>, the watched hosts' packets written for
/// flows (<see cref="Printed"/> then counts flow records).</summary>
public sealed record DemoResult(long PacketsFed, long OversizedRecords, PipelineSummary Pipeline, long Printed,
    TimeSpan Elapsed, long? FlowPackets = null);

using PcapWatch.Service;

namespace PcapWatch.Demo;

/// <summary>What a demo run did.</summary>
public sealed record DemoResult(long PacketsFed, long OversizedRecords, PipelineSummary Pipeline, long Printed,
    TimeSpan Elapsed);

namespace PcapWatch.Demo;

/// <summary>Inputs of a demo run: table files in kcat -K: layout and a packet file in any tshark shape.</summary>
public sealed record DemoOptions
{
    public required string EmployeesFile { get; init; }
    public required string ComputersFile { get; init; }
    public required string PcapFile { get; init; }
    public string? ProtocolsLike { get; init; }
    public bool Json { get; init; }
    /// <summary>Print flow records (made from WATCHED_EMP_PACKETS) instead of matches.</summary>
    public bool Flows { get; init; }
    /// <summary>With <see cref="Flows"/>: when flows end (idle, linger, interim, grace, cap).</summary>
    public Flows.FlowTimeouts FlowTimeouts { get; init; } = PcapWatch.Flows.FlowTimeouts.Default;
    /// <summary>
    /// The pipeline's settings (what is attributed to whom: match mode, attribution, bindings, clock), applied to the
    /// demo's own connection and state: the same settings as <c>run</c> reads, from the same file and environment.
    /// </summary>
    public Func<Service.PipelineOptions, Service.PipelineOptions> Pipeline { get; init; } = o => o;
    /// <summary>One partition keeps the output in packet order; more spread a large input's load.</summary>
    public int PcapPartitions { get; init; } = 1;
    /// <summary>Unread bytes allowed per partition: well under the embedded broker's ~5 MiB retention.</summary>
    public long BacklogWindowBytes { get; init; } = 3L * 1024 * 1024;
}

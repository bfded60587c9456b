namespace PcapWatch.Tools;

/// <summary>Inputs of a demo run: table files in kcat -K: layout and a packet file in any tshark shape.</summary>
public sealed record DemoOptions
{
    public required string EmployeesFile { get; init; }
    public required string ComputersFile { get; init; }
    public required string PcapFile { get; init; }
    public string? ProtocolsLike { get; init; }
    public bool Json { get; init; }
    public Join.MatchMode Match { get; init; } = Join.MatchMode.Src;
    public Service.Attribution Attribution { get; init; } = Service.Attribution.Latest;
    /// <summary>One partition keeps the output in packet order; more spread a large input's load.</summary>
    public int PcapPartitions { get; init; } = 1;
    /// <summary>Unread bytes allowed per partition: well under the embedded broker's ~5 MiB retention.</summary>
    public long BacklogWindowBytes { get; init; } = 3L * 1024 * 1024;
}

namespace PcapWatch.Dashboard;

/// <summary>
/// One employee's matched traffic by protocol, and by name visited (run --names). Both come from packets
/// (attacker-controlled), so their number is capped: past <see cref="MaxProtocols"/> protocols and <see cref="MaxSites"/>
/// names the rest is counted as <see cref="Other"/>.
/// </summary>
internal sealed class EmployeeTraffic(string empId)
{
    public const int MaxProtocols = 24;
    public const int MaxSites = 512;
    public const string Other = "other";
    private const int MaxProtocolLength = 48;

    public string EmpId { get; } = empId;
    public string? EmpName { get; set; }
    public long TotalPackets { get; private set; }
    public Dictionary<string, ProtocolSeries> Protocols { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SiteSeries> Sites { get; } = new(StringComparer.Ordinal);

    public void AddSite(long timestampMs, string name, long bytes)
    {
        if (!Sites.TryGetValue(name, out var series))
        {
            if (Sites.Count >= MaxSites) name = Other;
            if (!Sites.TryGetValue(name, out series)) Sites[name] = series = new SiteSeries();
        }
        series.Add(timestampMs, bytes);
    }

    public void Add(long timestampMs, string protocol, long bytes)
    {
        if (protocol.Length > MaxProtocolLength) protocol = protocol[..MaxProtocolLength];
        if (!Protocols.TryGetValue(protocol, out var series))
        {
            if (Protocols.Count >= MaxProtocols) protocol = Other;
            if (!Protocols.TryGetValue(protocol, out series)) Protocols[protocol] = series = new ProtocolSeries();
        }
        series.Add(timestampMs, bytes);
        TotalPackets++;
    }
}

using PcapWatch.Flows;

namespace PcapWatch.Tools;

/// <summary>
/// <c>report --by flow</c>: per watched employee and remote end (protocol, address, port, name), the flows that began in
/// each tumbling window of capture time, with their packets and bytes each way and the longest. Only final records
/// count (a flow's totals, once: <see cref="FlowRepeats"/>); interim records and flows still open are left out.
/// </summary>
public sealed class FlowReport(TimeSpan window)
{
    private readonly long _windowUs = Math.Max(1, window.Ticks / TimeSpan.TicksPerMicrosecond);
    private readonly Dictionary<(long Start, string EmpId, byte Protocol, string Remote, string? Name), FlowWindow> _windows = [];

    public FlowRepeats Repeats { get; } = new();

    /// <summary>Records that were not flow records, skipped.</summary>
    public long Unreadable { get; private set; }

    /// <summary>Interim records (flows still open then), not counted.</summary>
    public long Interim { get; private set; }

    public void Read(byte[]? value)
    {
        if (value is null || FlowRecordReader.TryRead(value) is not { } flow)
        {
            Unreadable++;
            return;
        }
        if (!Repeats.IsFirst(flow)) return;
        if (!flow.Final)
        {
            Interim++;
            return;
        }
        long start = flow.FirstUs - (((flow.FirstUs % _windowUs) + _windowUs) % _windowUs);
        var remote = FlowView.Endpoints(flow).Remote;
        var key = (start, flow.Owner.EmpId, flow.Protocol, remote, flow.Name);
        if (!_windows.TryGetValue(key, out var w)) _windows[key] = w = new FlowWindow(start, flow.Owner.EmpName, flow.Owner.EmpId,
            FlowView.ProtocolName(flow.Protocol), remote, flow.Name);
        w.Add(flow);
    }

    /// <summary>The windows, oldest first, then by employee and most bytes.</summary>
    public List<FlowWindow> Windows() => _windows.Values.OrderBy(w => w.StartUs).ThenBy(w => w.EmpName, StringComparer.Ordinal)
        .ThenByDescending(w => w.BytesOut + w.BytesIn).ThenBy(w => w.Remote, StringComparer.Ordinal).ToList();
}

/// <summary>One row of <see cref="FlowReport"/>.</summary>
public sealed class FlowWindow(long startUs, string empName, string empId, string protocol, string remote, string? name)
{
    public long StartUs => startUs;
    public string EmpName => empName;
    public string EmpId => empId;
    public string Protocol => protocol;
    public string Remote => remote;
    public string? Name => name;
    public long Flows { get; private set; }
    public long PacketsOut { get; private set; }
    public long BytesOut { get; private set; }
    public long PacketsIn { get; private set; }
    public long BytesIn { get; private set; }
    public decimal LongestSeconds { get; private set; }

    internal void Add(FlowRecord flow)
    {
        Flows++;
        PacketsOut += flow.PacketsOut;
        BytesOut += flow.BytesOut;
        PacketsIn += flow.PacketsIn;
        BytesIn += flow.BytesIn;
        LongestSeconds = Math.Max(LongestSeconds, FlowText.DurationSeconds(flow.FirstUs, flow.LastUs));
    }
}

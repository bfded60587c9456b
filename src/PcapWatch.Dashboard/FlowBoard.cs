using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.Dashboard;

/// <summary>
/// The page's flows (run --flows): of each flow (<c>C_MACADDR</c>, <c>FLOW_ID</c>, <c>FIRST_SEEN</c>) its newest record —
/// the final one, or the newest interim one of a flow still open — so a record read again after a crash (the same
/// <c>SEQ</c>) changes nothing. At most <c>capacity</c> flows are kept; past it those read first are dropped.
/// Call under the state's lock.
/// </summary>
internal sealed class FlowBoard(int capacity = FlowBoard.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;
    public const int MaxRows = 500;

    private readonly Dictionary<(MacAddress, string, long), FlowRecord> _flows = [];
    private readonly Queue<(MacAddress, string, long)> _order = new();

    public void Add(FlowRecord record)
    {
        var flow = (record.Host, record.FlowId, record.FirstUs);
        if (_flows.TryGetValue(flow, out var kept))
        {
            if (record.Seq > kept.Seq) _flows[flow] = record;
            return;
        }
        _flows[flow] = record;
        _order.Enqueue(flow);
        if (_order.Count > capacity) _flows.Remove(_order.Dequeue());
    }

    /// <summary>
    /// Flows of an employee (id, or a part of the name; all when empty) with an address, MAC or name containing
    /// <paramref name="text"/> (all when empty), longest (<c>sort=duration</c>) or largest (<c>bytes</c>) first.
    /// </summary>
    public List<FlowRow> Query(string? employee, string? text, bool bySize, int limit)
    {
        IEnumerable<FlowRecord> flows = _flows.Values;
        if (!string.IsNullOrWhiteSpace(employee))
        {
            flows = flows.Where(f => f.Owner.EmpId == employee || f.Owner.EmpName.Contains(employee, StringComparison.OrdinalIgnoreCase));
        }
        if (!string.IsNullOrWhiteSpace(text)) flows = flows.Where(f => Mentions(f, text.Trim()));
        var ordered = bySize
            ? flows.OrderByDescending(f => f.BytesOut + f.BytesIn).ThenByDescending(f => f.LastUs - f.FirstUs)
            : flows.OrderByDescending(f => f.LastUs - f.FirstUs).ThenByDescending(f => f.BytesOut + f.BytesIn);
        return ordered.ThenBy(f => f.FirstUs).Take(Math.Clamp(limit, 1, MaxRows)).Select(FlowRow.Of).ToList();
    }

    private static bool Mentions(FlowRecord f, string text) =>
        f.LocalIp.ToString().Contains(text, StringComparison.OrdinalIgnoreCase)
        || f.RemoteIp.ToString().Contains(text, StringComparison.OrdinalIgnoreCase)
        || f.Host.ToString().Contains(text, StringComparison.OrdinalIgnoreCase)
        || (f.Name?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false);
}

/// <summary>One flow as /api/flows gives it to the page.</summary>
internal sealed record FlowRow(string FlowId, string EmpId, string EmpName, string Mac, string Protocol, string Local, string Remote,
    string? Name, string OpenedBy, string FirstSeen, string LastSeen, decimal DurationS, long PacketsOut, long BytesOut, long PacketsIn,
    long BytesIn, string End, bool Open)
{
    public static FlowRow Of(FlowRecord f)
    {
        var view = Tools.FlowView.Endpoints(f);
        return new FlowRow(f.FlowId, f.Owner.EmpId, f.Owner.EmpName, f.Host.ToString(), Tools.FlowView.ProtocolName(f.Protocol), view.Local,
            view.Remote, f.Name, f.OpenedByLocal ? "local" : "remote", FlowText.Time(f.FirstUs), FlowText.Time(f.LastUs),
            FlowText.DurationSeconds(f.FirstUs, f.LastUs), f.PacketsOut, f.BytesOut, f.PacketsIn, f.BytesIn, f.End.Text(), !f.Final);
    }
}

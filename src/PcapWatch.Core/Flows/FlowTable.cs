namespace PcapWatch.Flows;

/// <summary>
/// The open flows of one input partition, fed packets in capture-time order. A packet joins its key's flow for each of
/// its owners unless that flow has ended (a reset, the ACK of the last FIN, the linger after both FINs, or the
/// protocol's idle timeout since its last packet): then the flow's final record is written and the packet opens the
/// next. An owner the packet no longer has ends that owner's flow (<see cref="FlowEnd.OwnerChange"/>). Interim records
/// fall due by capture time. Everything is decided by the packets' times, never by when they arrived, so the same
/// packets give the same records.
/// </summary>
internal sealed class FlowTable(FlowTimeouts timeouts)
{
    private readonly Dictionary<FlowKey, List<OpenFlow>> _open = [];

    /// <summary>Flows open now.</summary>
    public int OpenFlows { get; private set; }

    /// <summary>Flows ended early because too many were open.</summary>
    public long Evicted { get; private set; }

    public void Apply(FlowPacket packet, List<FlowRecord> emitted)
    {
        var key = FlowKey.Of(packet);
        if (!_open.TryGetValue(key, out var flows))
        {
            flows = [];
            _open[key] = flows;
        }
        long idleUs = timeouts.IdleUs(key.Protocol);
        for (int i = flows.Count - 1; i >= 0; i--)
        {
            var flow = flows[i];
            var end = EndBefore(flow, packet.TimeUs, idleUs, emitted);
            if (end is null && !HasOwner(packet, flow.Owner)) end = FlowEnd.OwnerChange;
            if (end is null && flow.CloseReason is { } closed && OpenFlow.OpensAgain(packet)) end = closed;
            if (end is null) continue;
            emitted.Add(flow.Final(end.Value));
            flows.RemoveAt(i);
            OpenFlows--;
        }
        foreach (var owner in packet.Owners)
        {
            var flow = FlowOf(flows, owner);
            if (flow is null)
            {
                flow = new OpenFlow(key, owner, packet, timeouts.InterimUs);
                flows.Add(flow);
                OpenFlows++;
            }
            flow.Apply(packet, timeouts.LingerUs);
        }
        if (flows.Count == 0) _open.Remove(key);
        if (OpenFlows > timeouts.MaxOpenFlows) EvictOldest(emitted);
    }

    /// <summary>
    /// Whether <paramref name="flow"/> ended before a packet at <paramref name="atUs"/>: idle, or lingered out after
    /// both FINs. Interim records that fell due before it are written first.
    /// </summary>
    private FlowEnd? EndBefore(OpenFlow flow, long atUs, long idleUs, List<FlowRecord> emitted)
    {
        long endsUs = Math.Min(flow.LastUs + idleUs, flow.LingerEndsUs);
        while (flow.NextInterimUs < Math.Min(atUs, endsUs))
        {
            if (flow.Interim() is { } interim) emitted.Add(interim);
        }
        if (atUs > flow.LingerEndsUs) return flow.CloseReason ?? FlowEnd.Fin;
        return atUs - flow.LastUs > idleUs ? FlowEnd.Idle : null;
    }

    private static bool HasOwner(FlowPacket packet, FlowOwner owner)
    {
        foreach (var o in packet.Owners) if (o.EmpId == owner.EmpId) return true;
        return false;
    }

    private static OpenFlow? FlowOf(List<OpenFlow> flows, FlowOwner owner)
    {
        foreach (var flow in flows) if (flow.Owner.EmpId == owner.EmpId) return flow;
        return null;
    }

    /// <summary>
    /// Ends every flow that ended by <paramref name="watermarkUs"/> (no packet before it is still to come): idle, or
    /// lingered out; and writes the interim records due by then.
    /// </summary>
    public void Expire(long watermarkUs, List<FlowRecord> emitted)
    {
        List<FlowKey>? emptied = null;
        foreach (var (key, flows) in _open)
        {
            long idleUs = timeouts.IdleUs(key.Protocol);
            for (int i = flows.Count - 1; i >= 0; i--)
            {
                // Strictly after: a packet at exactly the watermark may still come, and it would still belong.
                if (EndBefore(flows[i], watermarkUs + 1, idleUs, emitted) is not { } end) continue;
                emitted.Add(flows[i].Final(end));
                flows.RemoveAt(i);
                OpenFlows--;
            }
            if (flows.Count == 0) (emptied ??= []).Add(key);
        }
        if (emptied is not null) foreach (var key in emptied) _open.Remove(key);
    }

    /// <summary>Ends every open flow with <paramref name="end"/> (the input ended, or the partition was handed over).</summary>
    public void EndAll(FlowEnd end, List<FlowRecord> emitted)
    {
        // A connection that closed is written as closed, though its linger had not run out.
        foreach (var flows in _open.Values) foreach (var flow in flows) emitted.Add(flow.Final(flow.CloseReason ?? end));
        _open.Clear();
        OpenFlows = 0;
    }

    /// <summary>Writes every open flow and the eviction count (a flow stage checkpoint).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Evicted);
        writer.Write(OpenFlows);
        foreach (var flows in _open.Values) foreach (var flow in flows) flow.WriteTo(writer);
    }

    /// <summary>Takes the flows <see cref="WriteTo"/> wrote; the table must be empty.</summary>
    public void ReadFrom(BinaryReader reader)
    {
        if (OpenFlows != 0) throw new InvalidOperationException("a table is read into only when empty");
        Evicted = reader.ReadInt64();
        int count = reader.ReadCount();
        for (int i = 0; i < count; i++)
        {
            var flow = OpenFlow.ReadFrom(reader, timeouts.InterimUs);
            if (!_open.TryGetValue(flow.Key, out var flows)) _open[flow.Key] = flows = [];
            flows.Add(flow);
        }
        OpenFlows = count;
    }

    /// <summary>
    /// Over the cap: ends the flows idle longest, a hundredth of the cap at a time, so that a flood of new flows sorts
    /// the table once per hundred evictions rather than scanning it for each.
    /// </summary>
    private void EvictOldest(List<FlowRecord> emitted)
    {
        int count = Math.Max(1, OpenFlows - timeouts.MaxOpenFlows + timeouts.MaxOpenFlows / 100);
        var oldest = _open.Values.SelectMany(f => f).OrderBy(f => f.LastUs).ThenBy(f => f.FirstUs).Take(count).ToList();
        foreach (var flow in oldest)
        {
            emitted.Add(flow.Final(FlowEnd.Evicted));
            var flows = _open[flow.Key];
            flows.Remove(flow);
            if (flows.Count == 0) _open.Remove(flow.Key);
            OpenFlows--;
            Evicted++;
        }
    }
}

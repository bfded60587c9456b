using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// Counts each flow record once, whatever crashed: after a crash the flow stage makes again what it made since its last
/// checkpoint, the same records with the same <c>SEQ</c>, in order. So per flow (<c>C_MACADDR</c>, <c>FLOW_ID</c>,
/// <c>FIRST_SEEN</c>) a reader remembers the highest <c>SEQ</c> read, and a record at or below it is a repeat. Memory
/// is bounded: past <c>maxFlows</c> flows remembered, those remembered longest are forgotten (a repeat of one of
/// them, hours later, would be counted again).
/// </summary>
public sealed class FlowRepeats(int maxFlows = FlowRepeats.DefaultMaxFlows)
{
    public const int DefaultMaxFlows = 1_000_000;

    private readonly Dictionary<(MacAddress Host, string FlowId, long FirstUs), int> _highestSeq = [];
    private readonly Queue<(MacAddress, string, long)> _order = new();

    /// <summary>Records read again, and not counted.</summary>
    public long Repeats { get; private set; }

    public bool IsFirst(FlowRecord record)
    {
        var flow = (record.Host, record.FlowId, record.FirstUs);
        if (_highestSeq.TryGetValue(flow, out int highest))
        {
            if (record.Seq <= highest)
            {
                Repeats++;
                return false;
            }
            _highestSeq[flow] = record.Seq;
            return true;
        }
        _highestSeq[flow] = record.Seq;
        _order.Enqueue(flow);
        if (_order.Count > maxFlows) _highestSeq.Remove(_order.Dequeue());
        return true;
    }
}

namespace PcapWatch.Flows;

/// <summary>
/// The flows of one input partition in event time. Packets arrive in the order their partitions were read, not in
/// capture order (a host's packets come from every pcap partition), so each waits in a reorder buffer until the
/// partition's stream time (the newest capture time seen) has passed it by <see cref="FlowTimeouts.Grace"/>; then they
/// reach the <see cref="FlowTable"/> in capture order (ties by pcap position). So the flows depend only on the packets
/// whenever no packet arrives more than the grace behind the newest: any interleaving gives the same records. A packet
/// later than that is applied as it comes and counted (<see cref="Late"/>): a flow it belonged to may have ended, and
/// it starts the next.
/// </summary>
public sealed class FlowPartition(FlowTimeouts timeouts)
{
    private readonly FlowTable _table = new(timeouts);
    private readonly PriorityQueue<FlowPacket, (long TimeUs, int Partition, long Offset, int Index)> _waiting = new();
    private long _appliedUpToUs = long.MinValue;
    private long _expiredAtUs = long.MinValue;

    // Ending flows by time walks every open flow, so it runs once per second of stream time, not per packet: a packet
    // that arrives for a flow that ended meanwhile ends it itself (FlowTable.Apply), so the records are the same.
    private const long ExpireEveryUs = 1_000_000;

    /// <summary>The newest capture time seen (or pushed on by wall time); long.MinValue before the first packet.</summary>
    public long StreamTimeUs { get; private set; } = long.MinValue;

    /// <summary>Packets that arrived after their time had been passed by the grace.</summary>
    public long Late { get; private set; }

    public int OpenFlows => _table.OpenFlows;

    /// <summary>Packets waiting for stream time to pass them by the grace.</summary>
    public int Waiting => _waiting.Count;

    public long Evicted => _table.Evicted;

    /// <summary>Takes one packet; the records it lets fall due are added to <paramref name="emitted"/>.</summary>
    public void Add(FlowPacket packet, List<FlowRecord> emitted)
    {
        if (packet.TimeUs <= _appliedUpToUs)
        {
            Late++;
            _table.Apply(packet, emitted);
            return;
        }
        _waiting.Enqueue(packet, (packet.TimeUs, packet.PcapPartition, packet.PcapOffset, packet.MatchIndex));
        if (packet.TimeUs > StreamTimeUs) AdvanceTo(packet.TimeUs, emitted);
    }

    /// <summary>
    /// Moves stream time on to <paramref name="streamTimeUs"/> (a newer packet, or wall time passing on a quiet
    /// partition): packets it passed by the grace reach the table in order, and flows that ended by then are written.
    /// </summary>
    public void AdvanceTo(long streamTimeUs, List<FlowRecord> emitted)
    {
        if (streamTimeUs <= StreamTimeUs) return;
        StreamTimeUs = streamTimeUs;
        long watermark = streamTimeUs - timeouts.GraceUs;
        if (watermark <= _appliedUpToUs) return;
        while (_waiting.TryPeek(out var next, out var order) && order.TimeUs <= watermark)
        {
            _waiting.Dequeue();
            _table.Apply(next, emitted);
        }
        _appliedUpToUs = watermark;
        if (_expiredAtUs != long.MinValue && watermark - _expiredAtUs < ExpireEveryUs) return;
        _expiredAtUs = watermark;
        _table.Expire(watermark, emitted);
    }

    /// <summary>
    /// Writes everything the partition holds — stream time, the packets waiting to be ordered, the open flows — so that
    /// <see cref="ReadFrom"/> continues exactly where this left off: the same packets after it give the same records.
    /// </summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(StreamTimeUs);
        writer.Write(_appliedUpToUs);
        writer.Write(_expiredAtUs);
        writer.Write(Late);
        writer.Write(_waiting.Count);
        foreach (var (packet, _) in _waiting.UnorderedItems) writer.WritePacket(packet);
        _table.WriteTo(writer);
    }

    /// <summary>A partition as <see cref="WriteTo"/> left it, under <paramref name="timeouts"/> (those configured now).</summary>
    public static FlowPartition ReadFrom(BinaryReader reader, FlowTimeouts timeouts)
    {
        var partition = new FlowPartition(timeouts)
        {
            StreamTimeUs = reader.ReadInt64(),
            _appliedUpToUs = reader.ReadInt64(),
            _expiredAtUs = reader.ReadInt64(),
            Late = reader.ReadInt64(),
        };
        int waiting = reader.ReadCount();
        for (int i = 0; i < waiting; i++)
        {
            var packet = reader.ReadPacket();
            partition._waiting.Enqueue(packet, (packet.TimeUs, packet.PcapPartition, packet.PcapOffset, packet.MatchIndex));
        }
        partition._table.ReadFrom(reader);
        return partition;
    }

    /// <summary>
    /// The input ended: every waiting packet is applied in order, flows are ended as their timeouts say, and those still
    /// open are written with <paramref name="end"/>.
    /// </summary>
    public void EndAll(FlowEnd end, List<FlowRecord> emitted)
    {
        while (_waiting.TryDequeue(out var next, out _)) _table.Apply(next, emitted);
        if (StreamTimeUs != long.MinValue)
        {
            _appliedUpToUs = StreamTimeUs;
            _table.Expire(StreamTimeUs, emitted);
        }
        _table.EndAll(end, emitted);
    }
}

using Confluent.Kafka;
using PcapWatch.Flows;
using PcapWatch.Output;

namespace PcapWatch.FlowStage;

/// <summary>
/// One input partition of the flow stage, as Kafka Streams has a task per partition: its flows in event time, the
/// repeats it has recognised, and the offset of the next record it will read. <see cref="Save"/> and <see
/// cref="Restore"/> make its checkpoint; applying the same records after a restored checkpoint gives the same flow
/// records, so a partition that moves (a rebalance, a crash) continues without losing or counting a packet twice.
/// </summary>
public sealed class FlowTask
{
    private const byte StateVersion = 1;
    private readonly FlowTimeouts _timeouts;
    private long _lastRecordWallTicks;
    private long _streamTimeAtLastRecordUs;

    private FlowTask(int partition, long nextOffset, FlowTimeouts timeouts, FlowPartition flows, RepeatFilter repeats, long nowTicks)
    {
        Partition = partition;
        NextOffset = nextOffset;
        _timeouts = timeouts;
        Flows = flows;
        Repeats = repeats;
        _lastRecordWallTicks = nowTicks;
        _streamTimeAtLastRecordUs = flows.StreamTimeUs;
    }

    /// <summary>A partition nobody has checkpointed: no open flows, reading from <paramref name="nextOffset"/>.</summary>
    public static FlowTask Empty(int partition, long nextOffset, FlowTimeouts timeouts, long nowTicks) =>
        new(partition, nextOffset, timeouts, new FlowPartition(timeouts), new RepeatFilter(), nowTicks);

    public int Partition { get; }

    /// <summary>The offset of the next input record: every record before it has been applied.</summary>
    public long NextOffset { get; private set; }

    public FlowPartition Flows { get; private set; }

    public RepeatFilter Repeats { get; private set; }

    /// <summary>Records that were not flow packets (another layout, no origin header): skipped.</summary>
    public long Unreadable { get; private set; }

    /// <summary>Whether anything changed since the last checkpoint.</summary>
    public bool Changed { get; private set; }

    /// <summary>The last checkpoint written (or the state this task started from): what a failure rewinds to.</summary>
    public FlowCheckpoint? Checkpointed { get; private set; }

    /// <summary>What became of one input record.</summary>
    public enum Outcome { Applied, Repeat, Unreadable }

    /// <summary>Applies one input record: a flow packet not seen before joins its flows.</summary>
    public Outcome Add(ConsumeResult<byte[]?, byte[]?> record, List<FlowRecord> emitted, long nowTicks)
    {
        NextOffset = record.Offset.Value + 1;
        Changed = true;
        _lastRecordWallTicks = nowTicks;
        var headers = record.Message.Headers;
        if (headers is null || !headers.TryGetLastBytes(MatchOrigin.Header, out var header) || !MatchOrigin.TryDecode(header, out var origin)
            || FlowPacketCodec.TryDecode(record.Message.Value ?? [], origin.Partition, origin.Offset, origin.Index) is not { } packet)
        {
            Unreadable++;
            return Outcome.Unreadable;
        }
        if (!Repeats.IsFirst(Partition, origin)) return Outcome.Repeat;
        Flows.Add(packet, emitted);
        _streamTimeAtLastRecordUs = Flows.StreamTimeUs;
        return Outcome.Applied;
    }

    /// <summary>
    /// A partition that has received nothing for longer than the grace in wall time moves its stream time on with the
    /// wall clock, as Kafka Streams' wall-clock punctuation does, so that its flows still end when their idle timeouts
    /// pass. Records after that are compared with the moved stream time (a packet older than it counts as late).
    /// </summary>
    public void AdvanceByWallClock(long nowTicks, List<FlowRecord> emitted)
    {
        if (_streamTimeAtLastRecordUs == long.MinValue) return;
        long quietUs = (nowTicks - _lastRecordWallTicks) / TimeSpan.TicksPerMicrosecond;
        if (quietUs <= _timeouts.GraceUs) return;
        int before = emitted.Count;
        Flows.AdvanceTo(_streamTimeAtLastRecordUs + quietUs, emitted);
        // Only what it wrote needs a checkpoint: replayed without one, a quiet partition moves on by wall time again.
        if (emitted.Count != before) Changed = true;
    }

    /// <summary>When the last checkpoint was written (wall clock ticks).</summary>
    public long CheckpointedAtTicks { get; private set; }

    /// <summary>The task's state as a checkpoint at <see cref="NextOffset"/>.</summary>
    public FlowCheckpoint Save()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(StateVersion);
            writer.Write(Unreadable);
            Flows.WriteTo(writer);
            Repeats.WriteTo(writer);
        }
        return new FlowCheckpoint(Partition, NextOffset, buffer.ToArray());
    }

    /// <summary>
    /// <paramref name="checkpoint"/> (made by <see cref="Save"/> with nothing applied since) is acknowledged: it is what
    /// a failure rewinds to.
    /// </summary>
    public void Written(FlowCheckpoint checkpoint, long nowTicks)
    {
        Checkpointed = checkpoint;
        CheckpointedAtTicks = nowTicks;
        Changed = false;
    }

    /// <summary>The task a checkpoint describes; an <see cref="InvalidDataException"/> when its state does not read.</summary>
    public static FlowTask Restore(FlowCheckpoint checkpoint, FlowTimeouts timeouts, long nowTicks)
    {
        using var reader = new BinaryReader(new MemoryStream(checkpoint.State), System.Text.Encoding.UTF8);
        try
        {
            if (reader.ReadByte() != StateVersion) throw new InvalidDataException("a checkpoint of another version");
            long unreadable = reader.ReadInt64();
            var flows = FlowPartition.ReadFrom(reader, timeouts);
            var repeats = RepeatFilter.ReadFrom(reader, FlowStateFormat.MaxCount);
            if (reader.BaseStream.Position != checkpoint.State.Length) throw new InvalidDataException("bytes after the checkpoint's state");
            return new FlowTask(checkpoint.Partition, checkpoint.NextOffset, timeouts, flows, repeats, nowTicks)
            {
                Unreadable = unreadable,
                Checkpointed = checkpoint,
                CheckpointedAtTicks = nowTicks,
            };
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"checkpoint of partition {checkpoint.Partition} does not read: {ex.Message}", ex);
        }
    }
}

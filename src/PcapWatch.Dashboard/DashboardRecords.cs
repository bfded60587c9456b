using Confluent.Kafka;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Tools;

namespace PcapWatch.Dashboard;

/// <summary>
/// What the page makes of the records it reads: an output record is decoded (outside the lock: the page's readers wait
/// only for the applying), then each record is applied to <see cref="DashboardState"/> on its own. Anything one record
/// holds (not JSON, a string no .NET string can carry, any timestamp at all) is counted in <see cref="Unreadable"/> and
/// skipped, never the end of the reader, which reads from the beginning again at every start.
/// </summary>
internal sealed class DashboardRecords(DashboardState state, MatchValueDecoder decoder, TopicNames topics)
{
    public UnreadableRecords Unreadable { get; } = new();

    /// <summary>Each match once: a record produced again after a crash is not counted again (reader thread only).</summary>
    public RepeatFilter Repeats { get; } = new();

    /// <summary>
    /// An output record's columns; null for any other topic's record, a repeat of a match already read, a null value,
    /// or one that is unreadable.
    /// </summary>
    public MatchRecord? Decode(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (record.Topic != topics.Output || !Repeats.IsFirst(record)) return null;
        return DecodeMatch(record);
    }

    /// <summary>A flow record's fields (run --flows); null for any other topic's record, or one that is not a flow record.</summary>
    public Flows.FlowRecord? DecodeFlow(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (record.Topic != topics.Flows) return null;
        Flows.FlowRecord? flow = null;
        Unreadable.Guard(record, () => flow = Flows.FlowRecordReader.TryRead(record.Message.Value ?? [])
            ?? throw new FormatException("not a WATCHED_EMP_FLOWS record"));
        return flow;
    }

    private MatchRecord? DecodeMatch(ConsumeResult<byte[]?, byte[]?> record)
    {
        MatchRecord? match = null;
        Unreadable.Guard(record, () =>
        {
            var json = decoder.ToJson(record.Message.Value, topics.Output);
            match = json is null ? null : MatchRecord.TryParse(json);
            if (json is not null && match is null) throw new FormatException("not a JSON object with the output's columns");
        });
        return match;
    }

    /// <summary>
    /// Applies a batch of records, each with what <see cref="Decode"/> made of it, under the state's lock.
    /// </summary>
    public void Apply(List<(ConsumeResult<byte[]?, byte[]?> Record, MatchRecord? Match, Flows.FlowRecord? Flow)> batch)
    {
        lock (state.Sync)
        {
            foreach (var (record, match, flow) in batch)
            {
                if (flow is not null) state.Flows.Add(flow);
                else if (record.Topic == topics.Flows) continue;
                else if (record.Topic != topics.Output) Unreadable.Guard(record, () => state.OnIndexRow(record.Message.Key, record.Message.Value));
                else if (match is not null) Unreadable.Guard(record, () => state.OnMatch(record.Message.Timestamp.UnixTimestampMs, match));
            }
            state.UnreadableRecords = Unreadable.Count;
            state.RepeatsSkipped = Repeats.Repeats;
            state.Unverifiable = Repeats.Unverifiable;
        }
    }
}

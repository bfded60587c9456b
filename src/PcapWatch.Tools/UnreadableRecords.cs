using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Service;

namespace PcapWatch.Tools;

/// <summary>
/// The read-side tools' (tail, report, who) answer to a record they cannot read: count it, name it in a warning (the
/// first few, then every thousandth), and go on with the next. Their topics are ours, but anyone can write to them.
/// </summary>
public sealed class UnreadableRecords
{
    private const int DetailedWarnings = 20;
    private readonly ILogger _log;

    public UnreadableRecords(ILogger? log = null) => _log = log ?? NullLogger.Instance;

    public long Count { get; private set; }

    /// <summary>
    /// Runs <paramref name="read"/> on one record; a fault of the record's content is counted, not thrown.
    /// </summary>
    public void Guard(ConsumeResult<byte[]?, byte[]?> record, Action read)
    {
        try
        {
            read();
        }
        // An Avro record read without a Schema Registry too: anyone can write one (a 0 byte and four more), and it must
        // not stop a tool or the page; the warning says what to pass to read such records.
        catch (Exception ex) when (RecordFaults.AreTheRecords(ex))
        {
            Skip(record, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Skip(ConsumeResult<byte[]?, byte[]?> record, string reason)
    {
        Count++;
        if (Count <= DetailedWarnings || Count % 1000 == 0)
        {
            _log.LogWarning("Skipped unreadable record {Topic} [{Partition}] @{Offset}: {Reason}; {Count} so far", record.Topic,
                record.Partition.Value, record.Offset.Value, reason, Count);
        }
    }
}

using Microsoft.Extensions.Logging;
using PcapWatch.Ingest;
using PcapWatch.Packets;

namespace PcapWatch.Tools;

/// <summary>
/// <c>produce</c> to the packet topic: a record that is not a packet dissection (not JSON, not an object with
/// <c>layers</c>) is counted and skipped with a warning naming its line (or array element), instead of being sent for
/// the service to dead-letter, or stopping the input. Records too large to send pass through: the publisher reports
/// them.
/// </summary>
public sealed class PacketInputFilter(ILogger log)
{
    /// <summary>The most skipped records named one by one; the rest are counted.</summary>
    public const int ListedAtMost = 20;

    private readonly List<long> _lines = [];

    /// <summary>Records skipped.</summary>
    public long Skipped { get; private set; }

    /// <summary>The line (or element) numbers of the first <see cref="ListedAtMost"/> skipped records.</summary>
    public IReadOnlyList<long> Lines => _lines;

    public IEnumerable<InputRecord> Apply(IEnumerable<InputRecord> records)
    {
        var fields = new PacketFields();
        foreach (var record in records)
        {
            if (record.IsTooLarge || record.Value is null)
            {
                yield return record;
                continue;
            }
            var status = PacketExtractor.Extract(record.Value, ref fields);
            if (status is ExtractStatus.Complete or ExtractStatus.Skipped)
            {
                yield return record;
                continue;
            }
            Skipped++;
            if (_lines.Count < ListedAtMost)
            {
                _lines.Add(record.LineNumber);
                log.LogWarning("Input record {Line} is not a packet ({Reason}); skipped", record.LineNumber, Describe(status));
                if (_lines.Count == ListedAtMost) log.LogWarning("Further records that are not packets are counted, not listed");
            }
        }
    }

    private static string Describe(ExtractStatus status) => status switch
    {
        ExtractStatus.NotAPacket => "JSON without a 'layers' object",
        ExtractStatus.InvalidJson => "not JSON",
        ExtractStatus.TooDeep => $"nested deeper than {PacketExtractor.MaxDepth}",
        ExtractStatus.InvalidEscape => "a name with an invalid \\u escape",
        ExtractStatus.InvalidUtf8 => "a name that is not UTF-8",
        _ => status.ToString(),
    };
}

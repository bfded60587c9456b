using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Confluent.Kafka;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PcapWatch.Index;

/// <summary>
/// Publishes the watched-MAC index as a table topic (the recipe's COMP_WATCH_BY_MACADDR): key = canonical MAC,
/// value = the watched computer as JSON, a tombstone when the MAC leaves the index. When a MAC has several watched
/// owners, the value is the first by computer row key (the conflict is logged by the maintainer).
/// </summary>
/// <remarks>
/// Changes are not published while the tables load. Once they are current, <see cref="Reconcile"/> compares the index
/// with what the topic already says and writes only the differences. That includes tombstones for MACs that left while
/// the service was down, which an incremental stream of changes would never emit.
/// </remarks>
public sealed class WatchChangelog : IWatchIndexObserver
{
    private readonly ILogger _log;
    private readonly KafkaConnectivity? _kafka;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly string _topic;
    private readonly DeliveryTracker _deliveries;
    private bool _live;

    /// <param name="deliveries">The pipeline's delivery accounting: a refused changelog record blocks the next commit,
    /// and the pipeline reconciles the topic again to make it good.</param>
    public WatchChangelog(IProducer<byte[], byte[]?> producer, string topic, DeliveryTracker deliveries, ILogger? log = null,
        KafkaConnectivity? kafka = null)
    {
        _log = log ?? NullLogger.Instance;
        _kafka = kafka;
        _producer = producer;
        _topic = topic;
        _deliveries = deliveries;
    }

    /// <summary>Changes are published only once the topic was reconciled with the index (<see cref="Reconcile"/>).</summary>
    public bool Listening => _live;

    public void OnOwnersChanged(MacAddress mac, IReadOnlyList<WatchedComputer> owners)
    {
        if (_live) Publish(mac.ToString(), owners.Count == 0 ? null : Encode(owners[0]));
    }

    /// <summary>Brings the topic in line with the index, then publishes every later change as it happens.</summary>
    /// <param name="partitions">The changelog topic's partitions, when known (saves asking the cluster).</param>
    public void Reconcile(string bootstrapServers, WatchIndex index, IReadOnlyDictionary<string, string>? consumerProperties,
        CancellationToken cancel, IReadOnlyList<TopicPartition>? partitions = null)
    {
        var published = ReadTopic(bootstrapServers, consumerProperties, partitions, cancel);
        int upserts = 0, tombstones = 0;
        var current = new HashSet<string>();
        foreach (var (mac, owners) in index.Entries)
        {
            var key = mac.ToString();
            current.Add(key);
            var value = Encode(owners[0]);
            if (published.TryGetValue(key, out var old) && old is not null && old.AsSpan().SequenceEqual(value)) continue;
            Publish(key, value);
            upserts++;
        }
        foreach (var (key, value) in published)
        {
            if (value is null || current.Contains(key)) continue;
            Publish(key, null);
            tombstones++;
        }
        _live = true;
        _log.LogInformation("Changelog {Topic} reconciled: {Upserts} upserts, {Tombstones} tombstones, {Unchanged} unchanged",
            _topic, upserts, tombstones, index.Count - upserts);
    }

    /// <summary>The topic's latest value per key (null for a tombstone), read from the beginning to its current end.</summary>
    private Dictionary<string, byte[]?> ReadTopic(string bootstrapServers, IReadOnlyDictionary<string, string>? properties,
        IReadOnlyList<TopicPartition>? partitions, CancellationToken cancel)
    {
        var latest = new Dictionary<string, byte[]?>();
        TopicSnapshot.Read(bootstrapServers, _topic, properties, _kafka, r =>
        {
            if (r.Message.Key is { } key) latest[System.Text.Encoding.UTF8.GetString(key)] = r.Message.Value;
        }, cancel, partitions: partitions);
        return latest;
    }

    private void Publish(string key, byte[]? value)
    {
        var message = new Message<byte[], byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = value };
        _deliveries.Produce(_producer, _topic, message);
    }

    /// <summary>The recipe's COMP_WATCH row: EMP_ID, EMP_NAME, EMP_KEY, MACADDR (canonical), COMP_ID.</summary>
    internal static byte[] Encode(WatchedComputer owner)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("EMP_ID", owner.EmpId);
            writer.WriteString("EMP_NAME", owner.EmpName);
            writer.WriteString("EMP_KEY", owner.EmpKey);
            writer.WriteString("MACADDR", owner.MacText);
            writer.WriteString("COMP_ID", owner.CompId);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

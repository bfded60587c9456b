using System.Text;
using Confluent.Kafka;
using CsCheck;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Output;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// The service's own path with what Kafka hands it besides a value: generated batches of pcap records — watched,
/// unwatched and broken values, under any key (none, empty, binary, 100 kB), any headers and any CreateTime a producer
/// can send (the year 10000, <see cref="long.MaxValue"/>, the epoch) — go through the running service on the embedded
/// broker. The property: the service keeps running, and each record has its one outcome: a watched packet exactly one
/// match carrying the packet's timestamp, a broken one exactly one dead letter naming its offset, an unwatched one nothing.
/// </summary>
public class RecordMetadataFuzzTests
{
    private const string Tom = "e0:a1:d7:18:c2:72";
    private enum Kind { Watched, Unwatched, Broken }

    private sealed record Pcap(Kind Kind, byte[]? Key, long TimestampMs, Headers? Headers);

    private static readonly Gen<long> CreateTime = Gen.OneOf(Gen.Long[1, long.MaxValue], Gen.Long[1, 4_000_000_000_000],
        Gen.OneOf(1L, 253_402_300_800_000L, long.MaxValue, UnixTime.MaxMs, UnixTime.MaxMs + 1));

    private static readonly Gen<byte[]?> Key = Gen.OneOf(Gen.OneOf<byte[]?>(null, [], "sensor-7"u8.ToArray()),
        Gen.Byte.Array[1, 64].Select(b => (byte[]?)b), Gen.Const(() => (byte[]?)new byte[100_000]));

    private static readonly Gen<Headers?> AnyHeaders = Gen.OneOf(Gen.Const((Headers?)null),
        Gen.Select(Gen.String[0, 8], Gen.Byte.Array[0, 16], (name, value) => (Headers?)new Headers { { name, value }, { name, null } }));

    private static readonly Gen<Pcap> Record = Gen.Select(Gen.Enum<Kind>(), Key, CreateTime, AnyHeaders, (k, key, ms, h) => new Pcap(k, key, ms, h));

    [Test]
    public void Any_key_headers_and_timestamp_leave_each_pcap_record_its_one_outcome_and_the_service_running()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", Tom);
        h.Start();
        int round = 0;
        Record.List[1, 40].Sample(records =>
        {
            var label = $"r{round++}";
            long dlqBefore = KafkaTest.ReadRaw(h.Broker.BootstrapServers, h.Topics.PcapDeadLetters).Count;
            Produce(h, records, label);

            var mine = KafkaTest.ReadTimedValues(h.Broker.BootstrapServers, h.Topics.Output)
                .Select(o => (FrameTime: o.Value.GetProperty(OutputColumns.FrameTime).GetString()!, o.TimestampMs))
                .Where(o => o.FrameTime.StartsWith(label + "-", StringComparison.Ordinal)).ToList();
            var expected = records.Select((r, i) => (r, i)).Where(x => x.r.Kind == Kind.Watched).Select(x => ($"{label}-{x.i}", x.r.TimestampMs));
            Assert.That(mine, Is.EquivalentTo(expected), "each watched packet matched exactly once, with its packet's timestamp");
            long dlq = KafkaTest.ReadRaw(h.Broker.BootstrapServers, h.Topics.PcapDeadLetters).Count - dlqBefore;
            Assert.That(dlq, Is.EqualTo(records.Count(r => r.Kind == Kind.Broken)), "each broken record dead-lettered once");
            Assert.That(h.Running, Is.True, "the service keeps running");
        }, iter: 8, threads: 1, print: r => string.Join(", ", r.Select(p => $"{p.Kind}@{p.TimestampMs} key {p.Key?.Length}")));
        h.Stop();
    }

    private static void Produce(ServiceHarness h, List<Pcap> records, string label)
    {
        long before = h.Service.Progress.Packets;
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(h.Broker.BootstrapServers)).Build())
        {
            for (int i = 0; i < records.Count; i++)
            {
                var r = records[i];
                var value = r.Kind switch
                {
                    Kind.Watched => TestPackets.Recipe(Tom, $"{label}-{i}"),
                    Kind.Unwatched => TestPackets.Recipe("02:00:00:00:00:99", $"{label}-{i}"),
                    _ => Encoding.UTF8.GetBytes($"{{\"layers\":{{\"eth\":{{\"eth.src\":\"{Tom}\" broken {label}-{i}"),
                };
                // One batch each: a batch stores its records' times as deltas from its first.
                producer.ProduceWhenRoom(h.Topics.Pcap, new Message<byte[]?, byte[]?>
                {
                    Key = r.Key, Value = value, Headers = r.Headers, Timestamp = new Timestamp(r.TimestampMs, TimestampType.CreateTime),
                });
                Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.Zero, "record not delivered");
            }
        }
        KafkaTest.WaitUntil(() => h.Service.Progress.Packets >= before + records.Count || !h.Running, TimeSpan.FromSeconds(60), "packets consumed");
    }
}

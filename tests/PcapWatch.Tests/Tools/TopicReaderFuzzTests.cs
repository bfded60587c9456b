using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Confluent.Kafka;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Dashboard;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using PcapWatch.Tools;

namespace PcapWatch.Tests.Tools;

/// <summary>
/// What Kafka hands a reader besides a value is as much the writer's as the value: any timestamp (the whole long range,
/// either type), any key, any headers. Records of every topic the page and the tools read, with hostile fields (control
/// characters, half an emoji, invalid UTF-8, huge strings, wrong types), go through their real per-record paths
/// (<see cref="DashboardRecords"/>, <see cref="WatchLookup.Add"/>, <see cref="TrafficReport.Read"/>, <see cref="MatchView"/>)
/// and then through every answer the page and the tools give. The property: nothing throws, each record has exactly one
/// outcome, and every answer is well-formed (JSON the page sends, SVG the chart draws).
/// </summary>
public class TopicReaderFuzzTests
{
    private static readonly TopicNames Topics = TopicNames.Default;
    private static readonly string[] Macs = ["02:50:57:00:00:02", "e0:a1:d7:18:c2:72", "02:00:00:00:00:99"];
    private static readonly string[] Ips = ["10.0.0.2", "192.168.1.7", "::1", "0.0.0.0"];
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly Gen<long> AnyTime = Gen.OneOf(Gen.Long, Gen.Long[-1, 4_000_000_000_000], Gen.OneOf(long.MinValue, long.MaxValue,
        -1L, 0L, UnixTime.MaxMs, UnixTime.MaxMs + 1, UnixTime.MinMs - 1, 253_402_300_800_000L));

    private static readonly Gen<Timestamp> AnyTimestamp = Gen.Select(AnyTime, Gen.OneOf(TimestampType.CreateTime,
        TimestampType.LogAppendTime, TimestampType.NotAvailable), (ms, type) => type == TimestampType.NotAvailable ? Timestamp.Default : new Timestamp(ms, type));

    /// <summary>A JSON value as a writer might put it in a column (raw bytes: invalid UTF-8 is possible).</summary>
    private static readonly Gen<byte[]> Field = Gen.OneOf(
        Gen.OneOf("\"Tom Jones\"", "\"eth:ethertype:ip:tcp:http\"", "\"\\u0001ctl\\u001f\\u007f\"", "\"\\ud800\"", "\"half \\udc00 emoji\"",
            "\"<script>&'\\\"\"", "123", "-7", "1e400", "null", "{}", "[1,2]", "true", "\"2018-01-01T00:00:00Z\"", "\"99999999999999\"",
            "\"10.0.0.2\"", "\"::1\"").Select(Encoding.UTF8.GetBytes),
        Gen.OneOf(Macs).Select(m => Encoding.UTF8.GetBytes($"\"{m}\"")),
        Gen.Byte.Array[1, 12].Select(bytes => (byte[])[(byte)'"', .. bytes.Select(b => b is (byte)'"' or (byte)'\\' ? (byte)0xFF : b), (byte)'"']),
        Gen.Int[1, 3].Select(n => Encoding.UTF8.GetBytes("\"" + new string('x', n * 40_000) + "\"")));

    private static byte[] Object(params (string Name, byte[] Value)[] columns)
    {
        var json = new List<byte> { (byte)'{' };
        foreach (var (name, value) in columns)
        {
            if (json.Count > 1) json.Add((byte)',');
            json.AddRange(Encoding.UTF8.GetBytes($"\"{name}\":"));
            json.AddRange(value);
        }
        json.Add((byte)'}');
        return [.. json];
    }

    private static readonly Gen<byte[]> MatchValue = Gen.Select(Field.Array[9], columns => Object(
        ("P_FRAME_TIME", columns[0]), ("P_FRAME_LEN", columns[1]), ("P_FRAME_PROTOCOLS", columns[2]), ("P_IP_SRC", columns[3]),
        ("P_IP_DST", columns[4]), ("C_EMP_ID", columns[5]), ("C_EMP_NAME", columns[6]), ("C_MACADDR", columns[7]), ("DIRECTION", columns[8])));

    private static readonly Gen<byte[]> IndexValue = Gen.Select(Field.Array[4], c => Object(("EMP_ID", c[0]), ("EMP_NAME", c[1]),
        ("EMP_KEY", c[2]), ("COMP_ID", c[3])));

    private static readonly Gen<byte[]> EmployeeValue = Gen.Select(Field.Array[4], c => Object(("key", c[0]), ("name", c[1]),
        ("watch_flag", c[2]), ("valid_from", c[3])));

    private static readonly Gen<byte[]> ComputerValue = Gen.Select(Field.Array[4], c => Object(("comp_id", c[0]), ("empkey", c[1]),
        ("macaddr", c[2]), ("valid_from", c[3])));

    private static readonly Gen<byte[]> BindingValue = Gen.Select(Gen.OneOf(Ips), Gen.OneOf(Macs), AnyTime, AnyTime,
        (ip, mac, from, until) => BindingRecord.Encode(IpAddressKey.From(IPAddress.Parse(ip)),
            new IpBindings.Interval(MacAddress.Parse(mac), from, until, BindingSource.DhcpAck, from)));

    private static readonly Gen<byte[]?> Garbage = Gen.OneOf(Gen.Byte.Array[0, 40].Select(b => (byte[]?)b),
        Gen.OneOf<byte[]?>(null, "null"u8.ToArray(), "[]"u8.ToArray(), "{}"u8.ToArray(), "\"\\ud83d\""u8.ToArray()));

    private static readonly Gen<byte[]?> Key = Gen.OneOf(Gen.OneOf(Macs).Select(m => (byte[]?)Encoding.UTF8.GetBytes(m.ToUpperInvariant())),
        Gen.OneOf<byte[]?>(null, [], "e1"u8.ToArray(), "c1"u8.ToArray()), Gen.Byte.Array[0, 20].Select(b => (byte[]?)b),
        Gen.Const(() => (byte[]?)new byte[100_000]));

    private static readonly Gen<Headers?> AnyHeaders = Gen.OneOf(Gen.Const((Headers?)null),
        Gen.Select(Gen.String[0, 8], Gen.Byte.Array[0, 16], Gen.Int[0, 3], (name, value, n) =>
        {
            var headers = new Headers();
            for (int i = 0; i < n; i++) headers.Add(name + i, i == 1 ? null : value);
            return (Headers?)headers;
        }));

    private static readonly string[] TopicOrder = [Topics.Employees, Topics.Computers, Topics.Changelog, Topics.Output, Topics.IpMacBindings];

    private static readonly Gen<ConsumeResult<byte[]?, byte[]?>> Record =
        Gen.Select(Gen.Int[0, TopicOrder.Length - 1], Gen.Bool, Key, AnyTimestamp, AnyHeaders, Gen.Long[0, 1000]).SelectMany(r =>
        {
            var (topic, garbage, key, timestamp, headers, offset) = r;
            var value = garbage ? Garbage : TopicOrder[topic] switch
            {
                var t when t == Topics.Employees => EmployeeValue.Select(v => (byte[]?)v),
                var t when t == Topics.Computers => ComputerValue.Select(v => (byte[]?)v),
                var t when t == Topics.Changelog => IndexValue.Select(v => (byte[]?)v),
                var t when t == Topics.Output => MatchValue.Select(v => (byte[]?)v),
                _ => BindingValue.Select(v => (byte[]?)v),
            };
            return value.Select(v => new ConsumeResult<byte[]?, byte[]?>
            {
                Topic = TopicOrder[topic],
                Partition = new Partition(0),
                Offset = new Offset(offset),
                Message = new Message<byte[]?, byte[]?> { Key = key, Value = v, Timestamp = timestamp, Headers = headers },
            });
        });

    [Test]
    public void Any_record_on_the_pages_topics_is_applied_once_or_counted_and_every_answer_stays_well_formed()
    {
        Record.List[1, 40].Sample(records =>
        {
            using var decoder = new MatchValueDecoder(null);
            var state = new DashboardState(64);
            var reader = new DashboardRecords(state, decoder, Topics);
            foreach (var record in records.Where(r => r.Topic == Topics.Output || r.Topic == Topics.Changelog))
            {
                long matches = state.MatchesRead, unreadable = reader.Unreadable.Count;
                reader.Apply([(record, reader.Decode(record), reader.DecodeFlow(record))]);
                long outcomes = (state.MatchesRead - matches) + (reader.Unreadable.Count - unreadable);
                bool nothingToApply = record.Message.Value is null || record.Topic == Topics.Changelog;
                Assert.That(outcomes, nothingToApply ? Is.InRange(0, 1) : Is.EqualTo(1), "one outcome for an output record");
            }
            AssertThePageAnswers(state);
        }, iter: 300);
    }

    [Test]
    public void Any_record_on_the_tools_topics_counts_or_is_counted_and_their_answers_never_throw()
    {
        Record.List[1, 40].Sample(records =>
        {
            using var decoder = new MatchValueDecoder(null);
            var lookup = new WatchLookup();
            var ordered = records.OrderBy(r => Array.IndexOf(TopicOrder, r.Topic)).ToList();
            foreach (var record in ordered.Where(r => r.Topic == Topics.Employees || r.Topic == Topics.Computers)) lookup.Add(record, Topics, decoder);
            lookup.TablesRead();
            foreach (var record in ordered.Where(r => r.Topic != Topics.Employees && r.Topic != Topics.Computers)) lookup.Add(record, Topics, decoder);

            var report = new TrafficReport(TimeSpan.FromMinutes(1));
            var view = new MatchView("%http%", json: false);
            var tail = new UnreadableRecords();
            foreach (var record in records.Where(r => r.Topic == Topics.Output))
            {
                report.Read(record, decoder);
                tail.Guard(record, () => view.Render(record.Message.Value ?? []));
            }
            foreach (var window in report.Windows())
            {
                Assert.That(JsonDocument.Parse(TrafficReport.Encode(window)).RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
                Assert.That(TrafficReport.Key(window), Does.Contain("|"));
            }
            foreach (var mac in Macs.Select(MacAddress.Parse))
            {
                _ = lookup.ByMac(mac);
                foreach (var at in new[] { DateTimeOffset.MinValue, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue })
                {
                    _ = lookup.AttributedAt(mac, at);
                    _ = lookup.OwnersAt(mac, at);
                }
            }
            foreach (var ip in Ips.Select(IPAddress.Parse))
            {
                _ = lookup.ByIp(ip);
                _ = lookup.ClaimantsAt(ip, null);
                _ = lookup.ClaimantsAt(ip, DateTimeOffset.MaxValue);
            }
        }, iter: 300);
    }

    private static void AssertThePageAnswers(DashboardState state)
    {
        foreach (var window in TrafficWindowSpec.All)
        {
            var summary = state.Summary(window);
            Assert.That(JsonDocument.Parse(JsonSerializer.Serialize(summary, Web)).RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
            foreach (var empId in summary.Employees.Select(e => e.EmpId).Append("\u0001\ud800"))
            {
                if (state.Chart(empId, window) is not { } bars) continue;
                foreach (bool bytes in new[] { false, true })
                {
                    var svg = XDocument.Parse(SvgChart.Render(bars, bytes, $"{empId}: last {window.Name}"));
                    Assert.That(svg.Root!.Name.LocalName, Is.EqualTo("svg"));
                }
            }
        }
        var feed = state.Newest(200, new FeedFilter(null, "%http%").Passes);
        Assert.That(() => JsonSerializer.Serialize(new FeedBatch(feed, 0, state.Feed.LastSeq), Web), Throws.Nothing);
        foreach (var address in Macs.Concat(Ips))
        {
            Assert.That(() => JsonSerializer.Serialize(WhoAnswer.For(address, state), Web), Throws.Nothing);
        }
    }
}

using System.Globalization;
using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Flows;

/// <summary>
/// The gaps capture (tests/Fixtures/make-gaps-lan.sh): UDP, a TCP connection and pings from one watched host, each
/// paused once for 3 s. With a 2 s idle timeout every flow splits exactly at its pause, and interim records carry the
/// totals at each boundary — both judged against tshark's own frames (time, community ID, length), not against numbers
/// written here.
/// </summary>
public class FlowGapsTests
{
    private static readonly MacAddress Host = MacAddress.Parse("02:50:57:00:03:02");
    private static readonly string[] Shapes = ["json", "ek"];

    private sealed record Frame(long TimeUs, string FlowId, int Length, bool FromHost);

    private static List<Frame> Frames() => File.ReadAllLines(TestData.Fixture("gaps-lan.frames.tsv")).Select(l => l.Split('\t'))
        .Select(f => new Frame(Us(f[0]), f[1], int.Parse(f[2], CultureInfo.InvariantCulture), f[3] == Host.ToString()))
        .ToList();

    private static long Us(string epoch) =>
        CaptureTime.TryParseEpochUs(System.Text.Encoding.ASCII.GetBytes(epoch), out long us) ? us : throw new FormatException(epoch);

    private static List<FlowRecord> HostFlows(string shape, FlowTimeouts timeouts) =>
        FlowSamples.FinalFlows(TestData.Lines(TestData.Fixture($"gaps-lan.{shape}.ndjson")), timeouts, all: true)
            .Where(f => f.Host == Host).ToList();

    [TestCaseSource(nameof(Shapes))]
    public void With_a_short_idle_timeout_flows_split_exactly_at_the_pauses(string shape)
    {
        var idle = TimeSpan.FromSeconds(2);
        var timeouts = FlowSamples.LongerThanAnyCapture with { TcpIdle = idle, UdpIdle = idle, IcmpIdle = idle };
        // tshark's frames of each flow, cut wherever two in a row are further apart than the timeout.
        var expected = Frames().GroupBy(f => f.FlowId).SelectMany(g => Segments(g.OrderBy(f => f.TimeUs).ToList(), idle))
            .Select(s => (s[0].FlowId, s[0].TimeUs, s[^1].TimeUs, s.Count(f => f.FromHost), s.Where(f => f.FromHost).Sum(f => (long)f.Length),
                s.Count(f => !f.FromHost), s.Where(f => !f.FromHost).Sum(f => (long)f.Length)))
            .OrderBy(s => s.Item2).ToList();
        Assert.That(expected, Has.Count.EqualTo(6), "the fixture: three flows, each paused once");
        var flows = HostFlows(shape, timeouts).Where(f => f.Final)
            .Select(f => (f.FlowId, f.FirstUs, f.LastUs, (int)f.PacketsOut, f.BytesOut, (int)f.PacketsIn, f.BytesIn))
            .OrderBy(f => f.FirstUs).ToList();
        Assert.That(flows, Is.EqualTo(expected));
        // The connection's second part closes with its FINs; the pings' second part is still open when the capture ends;
        // every other part idles out before the next begins.
        Assert.That(HostFlows(shape, timeouts).Where(f => f.Final).Select(f => f.End.Text()),
            Is.EquivalentTo(new[] { "idle", "idle", "idle", "idle", "fin", "end" }));
    }

    [TestCaseSource(nameof(Shapes))]
    public void Interim_records_carry_each_boundarys_totals(string shape)
    {
        var interim = TimeSpan.FromSeconds(1);
        var records = HostFlows(shape, FlowSamples.LongerThanAnyCapture with { Interim = interim });
        var all = Frames();
        long captureEndUs = all.Max(f => f.TimeUs);
        foreach (var flow in records.GroupBy(r => (r.FlowId, r.FirstUs)))
        {
            var frames = all.Where(f => f.FlowId == flow.Key.FlowId).OrderBy(f => f.TimeUs).ToList();
            var ordered = flow.OrderBy(r => r.Seq).ToList();
            Assert.That(ordered.Select(r => r.Seq), Is.EqualTo(Enumerable.Range(0, ordered.Count)));
            Assert.That(ordered.Select(r => r.Final), Is.EqualTo(ordered.Select((_, i) => i == ordered.Count - 1)));
            // A record at each boundary before the flow closed that had packets since the one before (an idle stretch
            // repeats nothing), with the totals of the frames up to it.
            long step = (long)interim.TotalMicroseconds, closedAt = flow.Last().End == FlowEnd.Fin ? frames[^1].TimeUs : captureEndUs;
            var due = new List<(FlowEnd, long, long)>();
            for (long boundary = flow.Key.FirstUs + step; boundary < closedAt || (boundary == closedAt && closedAt == captureEndUs); boundary += step)
            {
                if (!frames.Any(f => f.TimeUs > boundary - step && f.TimeUs <= boundary)) continue;
                var upTo = frames.Where(f => f.TimeUs <= boundary).ToList();
                due.Add((FlowEnd.Active, upTo.Count, upTo[^1].TimeUs));
            }
            Assert.That(ordered.SkipLast(1).Select(r => (r.End, r.PacketsOut + r.PacketsIn, r.LastUs)), Is.EqualTo(due), flow.Key.FlowId);
        }
        Assert.That(records.Count(r => !r.Final), Is.GreaterThanOrEqualTo(3), "the TCP connection and the pings outlive several boundaries");
    }

    private static IEnumerable<List<Frame>> Segments(List<Frame> frames, TimeSpan idle)
    {
        var segment = new List<Frame> { frames[0] };
        foreach (var frame in frames.Skip(1))
        {
            if (frame.TimeUs - segment[^1].TimeUs > (long)idle.TotalMicroseconds)
            {
                yield return segment;
                segment = [];
            }
            segment.Add(frame);
        }
        yield return segment;
    }
}

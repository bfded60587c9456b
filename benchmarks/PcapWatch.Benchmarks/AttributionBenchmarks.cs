using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;

namespace PcapWatch.Benchmarks;

/// <summary>
/// What attributing by IP costs per packet: the whole record path (<see cref="PacketProcessor"/>: prefilter, scan,
/// binding lookups) in the recipe's mode (src, the baseline) and with <c>src,ip</c> and <c>both,ip</c>, in one run on
/// the same bytes. Nobody in the index is watched by MAC; the bindings know every address in the captures, each held by
/// an unwatched MAC, plus 10,000 others: where every packet's addresses must be looked up and none is attributed.
/// Inputs: <c>routed</c>, the routed uplink and LAN captures (control traffic: a fifth of the records are ARP, DHCP or
/// neighbour advertisements, each read in full to learn from), and <c>recipe</c>, the recipe's 531 packets of office
/// traffic (from ../shared when present, else the project's LAN capture in the recipe's 2018 shape).
/// <para>
/// And what attributing at capture time costs: the routed fixture's tables (samples/routed-*.txt: alice's laptop handed
/// to Dave mid-capture, Carol watched) as the current index (<c>latest</c>) and as a history (<c>capture-time</c>), the
/// recipe's mode, on the same bytes: on the routed input a third of the packets match.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class AttributionBenchmarks
{
    private byte[][] _records = [];
    private LearningPacketProcessor _src = null!, _srcIp = null!, _bothIp = null!, _latest = null!, _captureTime = null!;

    [Params("routed", "recipe")]
    public string Input { get; set; } = "routed";

    public long BatchBytes { get; private set; }
    public int BatchRecords => _records.Length;

    [GlobalSetup]
    public void Setup()
    {
        _records = Input == "routed"
            ? SampleData.Lines(Path.Combine(SampleData.FixturesDir, "routed-uplink.json.ndjson"))
                .Concat(SampleData.Lines(Path.Combine(SampleData.FixturesDir, "routed-lan.json.ndjson"))).ToArray()
            : SampleData.OfShape("recipe");
        BatchBytes = _records.Sum(r => (long)r.Length);
        var index = new WatchIndex();
        for (int i = 0; i < 1000; i++)
        {
            var mac = new MacAddress(0x0a0000000000L + i);
            index.Set(mac, [new WatchedComputer(mac, $"c{i}", $"{i}", $"e{i}", "Someone", $"e{i}")]);
        }
        IpBindings Bindings()
        {
            var bindings = new IpBindings();
            var learner = new LearningPacketProcessor(new WatchIndex(), MatchMode.Both | MatchMode.Ip, bindings);
            var sink = new NoSink();
            foreach (var r in _records) learner.Process(r, ref sink, out _);
            for (uint i = 0; i < 10_000; i++)
            {
                bindings.Learn(new BindingEvidence(BindingSource.DhcpAck, new MacAddress(0x0b0000000000L + i), IpAddressKey.FromIPv4(0x0A640000 + i), 86_400),
                    bindings.NewestMs);
            }
            return bindings;
        }
        var history = RoutedHistory();
        var owners = new WatchIndex();
        foreach (var (mac, _) in RoutedMacs) owners.Set(new MacAddress(mac), history.OwnersAt(new MacAddress(mac), long.MaxValue));
        _latest = new LearningPacketProcessor(owners, MatchMode.Src);
        _captureTime = new LearningPacketProcessor(new WatchIndex(), MatchMode.Src, bindings: null, history);
        _src = new LearningPacketProcessor(index, MatchMode.Src);
        _srcIp = new LearningPacketProcessor(index, MatchMode.Src | MatchMode.Ip, Bindings());
        _bothIp = new LearningPacketProcessor(index, MatchMode.Both | MatchMode.Ip, Bindings());
    }

    [Benchmark(Baseline = true, Description = "src (the recipe)")]
    public int Src() => Run(_src);

    [Benchmark(Description = "src,ip")]
    public int SrcIp() => Run(_srcIp);

    [Benchmark(Description = "both,ip")]
    public int BothIp() => Run(_bothIp);

    [Benchmark(Description = "src, routed tables, latest")]
    public int Latest() => Run(_latest);

    [Benchmark(Description = "src, routed tables, capture-time")]
    public int CaptureTime() => Run(_captureTime);

    private static readonly (long Mac, string Name)[] RoutedMacs = [(0x025057000102, "alice"), (0x025057000104, "carol")];

    /// <summary>samples/routed-employees.txt and routed-computers-history.txt as the loader reads them.</summary>
    private static OwnershipHistory RoutedHistory()
    {
        var history = new OwnershipHistory();
        var affected = new HashSet<long>();
        foreach (var (key, value) in Keyed("routed-employees.txt"))
        {
            if (Tables.TableRecordParser.TryParseEmployee(key, true, value, false, out var change, out _)
                && Tables.ValidTime.TryResolve(change.Row!.ValidFrom, 0, out long from, out _))
            {
                history.Record(change, from, affected);
            }
        }
        foreach (var (key, value) in Keyed("routed-computers-history.txt"))
        {
            if (Tables.TableRecordParser.TryParseComputer(key, true, value, false, out var change, out _)
                && Tables.ValidTime.TryResolve(change.Row!.ValidFrom, 0, out long from, out _))
            {
                history.Record(change, from, affected);
            }
        }
        history.RebuildAll(affected);
        return history;
    }

    private static IEnumerable<(byte[] Key, byte[] Value)> Keyed(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Samples", file)).Select(line =>
            (System.Text.Encoding.UTF8.GetBytes(line[..line.IndexOf(':')]), System.Text.Encoding.UTF8.GetBytes(line[(line.IndexOf(':') + 1)..])));

    private int Run(LearningPacketProcessor processor)
    {
        var sink = new NoSink();
        int skipped = 0;
        foreach (var r in _records)
        {
            if (processor.Process(r, ref sink, out _) == PacketOutcome.Skipped) skipped++;
        }
        return skipped;
    }

    private struct NoSink : IMatchSink
    {
        public readonly void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner,
            string? direction, string? attributedBy, bool contested)
        {
        }
    }

    /// <summary>Runs the benchmark and ends with one RESULT line per input: ratios to the recipe's mode, bytes per record.</summary>
    public static int Report(string[] args)
    {
        var summary = BenchmarkRunner.Run<AttributionBenchmarks>(BenchmarkConfig.Create(), args);
        foreach (var input in new[] { "routed", "recipe" })
        {
            var sizes = new AttributionBenchmarks { Input = input };
            sizes.Setup();
            var reports = summary.Reports.Where(r => (string)r.BenchmarkCase.Parameters["Input"] == input && r.ResultStatistics is not null).ToList();
            if (reports.Count < 5) continue;
            double Mean(string method) => reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean;
            double Allocated(string method)
            {
                var report = reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
                return (report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1) / (double)sizes.BatchRecords;
            }
            double src = Mean(nameof(Src)), srcIp = Mean(nameof(SrcIp)), bothIp = Mean(nameof(BothIp));
            double latest = Mean(nameof(Latest)), captureTime = Mean(nameof(CaptureTime));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT attribution input={input} records={sizes.BatchRecords} src_gbps={sizes.BatchBytes / src:F2} src_ip_gbps={sizes.BatchBytes / srcIp:F2} "
                + $"both_ip_gbps={sizes.BatchBytes / bothIp:F2} src_ip_cost={srcIp / src:F2} both_ip_cost={bothIp / src:F2} "
                + $"src_ip_bytes_per_record={Allocated(nameof(SrcIp)):F1} both_ip_bytes_per_record={Allocated(nameof(BothIp)):F1} "
                + $"latest_gbps={sizes.BatchBytes / latest:F2} capture_time_gbps={sizes.BatchBytes / captureTime:F2} "
                + $"capture_time_cost={captureTime / latest:F2} capture_time_bytes_per_record={Allocated(nameof(CaptureTime)):F1}"));
        }
        return 0;
    }
}

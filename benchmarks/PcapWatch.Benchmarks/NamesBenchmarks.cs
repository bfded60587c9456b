using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Names;
using PcapWatch.Output;
using PcapWatch.Packets;
using PcapWatch.Service;

namespace PcapWatch.Benchmarks;

/// <summary>
/// What <c>--names</c> (and flows) cost per packet, without a broker: the whole decision of each record (<see
/// cref="PacketDecider"/>: prefilter, scan, join, encoding) over the e2e benchmark's mix — its templates, 1 in 100 sent
/// by a watched computer and 1 in 100 sent to one — with names off (the baseline), with the packet's own name only,
/// with passive DNS too, and with flows on.
/// The e2e rounds scatter by ±15 %; this tells a few per cent apart.
/// </summary>
[MemoryDiagnoser]
public class NamesBenchmarks
{
    private const int Records = 2_000, WatchEvery = 100;
    private byte[][] _records = [], _responses = [];
    private WatchIndex _index = null!;
    private PacketDecider _flows = null!;
    private PacketDecider _off = null!, _ownNames = null!, _withAnswers = null!;

    public long BatchBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var templates = SampleData.Recipe().Concat(SampleData.TsharkJson()).Concat(SampleData.TsharkEk()).Where(SampleData.HasPlainEthSrc).ToArray();
        var index = new WatchIndex();
        for (int i = 0; i < 1000; i++)
        {
            var mac = Watched(i);
            index.Set(mac, [new WatchedComputer(mac, $"c{i}", $"{i}", $"e{i}", $"Employee {i}", $"e{i}")]);
        }
        _records = Enumerable.Range(0, Records).Select(i => SampleData.WithEthSrcAndDst(templates[i % templates.Length],
            i % WatchEvery == 0 ? Watched(i / WatchEvery) : new MacAddress(0x06_0000_000000L + i),
            i % WatchEvery == WatchEvery / 2 ? Watched(i / WatchEvery) : new MacAddress(0x0A_0000_000000L + i))).ToArray();
        _index = index;
        BatchBytes = _records.Sum(r => (long)r.Length);
        _responses = templates.Where(r => DnsAnswerReader.Read(r) is not null).ToArray();
        PacketDecider Decider(bool names, bool answers) => new(
            new LearningPacketProcessor(index, MatchMode.Src, bindings: null, history: null, learnsAnswers: answers),
            new JsonMatchEncoder(), NullLogger.Instance, names: names, passiveDns: answers ? new PassiveDns(TimeSpan.FromMinutes(5)) : null);
        _off = Decider(names: false, answers: false);
        _ownNames = Decider(names: true, answers: false);
        _withAnswers = Decider(names: true, answers: true);
        _flows = new PacketDecider(new LearningPacketProcessor(index, MatchMode.Src, flows: true), new JsonMatchEncoder(), NullLogger.Instance);
    }

    private static MacAddress Watched(int i) => new(0x02_5057_000000L + i % 1000);


    [Benchmark(Baseline = true, Description = "names off")]
    public int Off() => Run(_off);

    [Benchmark(Description = "the packet's own name")]
    public int OwnNames() => Run(_ownNames);

    [Benchmark(Description = "own name and passive DNS")]
    public int WithAnswers() => Run(_withAnswers);

    /// <summary>Flows on (issue 34), names off: every packet to a watched host read too, and each watched host's packet
    /// encoded for WATCHED_EMP_PACKETS.</summary>
    [Benchmark(Description = "flows on, names off")]
    public int Flows()
    {
        int written = 0;
        foreach (var r in _records)
        {
            _flows.Decide(default, true, r, false);
            written += _flows.PendingFlowPackets.Count;
        }
        return written;
    }

    [Benchmark(Description = "the prefilter alone, names off")]
    public int PrefilterOff() => Prefilter(learnsAnswers: false);

    [Benchmark(Description = "the prefilter alone, passive DNS (first dst, then the protocols list)")]
    public int PrefilterWithAnswers() => Prefilter(learnsAnswers: true);

    private int Prefilter(bool learnsAnswers)
    {
        var gate = new WatchedMacGate(_index, MatchMode.Src, learnsAnswers: learnsAnswers);
        int skipped = 0;
        foreach (var r in _records) skipped += MatchPrefilter.CannotMatch(r, in gate) ? 1 : 0;
        return skipped;
    }

    [Benchmark(Description = "DNS answers read (the responses of the mix)")]
    public int ReadAnswers()
    {
        int n = 0;
        foreach (var r in _responses) n += DnsAnswerReader.Read(r)?.Answers.Count ?? 0;
        return n;
    }

    [Benchmark(Description = "the same responses scanned (PacketExtractor)")]
    public int ScanResponses()
    {
        int n = 0;
        var fields = new PacketFields();
        foreach (var r in _responses)
        {
            PacketExtractor.Extract(r, ref fields);
            n += fields.EthDst is null ? 0 : 1;
        }
        return n;
    }

    private int Run(PacketDecider decider)
    {
        int matches = 0;
        foreach (var r in _records)
        {
            decider.Decide(default, true, r, false);
            matches += decider.Pending.Count;
        }
        return matches;
    }

    /// <summary>Runs the benchmark and ends with a RESULT line: each variant's time and allocation per record, as ratios to names off.</summary>
    public static int Report(string[] args)
    {
        var summary = BenchmarkRunner.Run<NamesBenchmarks>(BenchmarkConfig.Create(), args);
        var reports = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();
        if (reports.Count < 3) return 1;
        double Mean(string method) => reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean;
        double Allocated(string method)
        {
            var report = reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
            return (report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1) / (double)Records;
        }
        double off = Mean(nameof(Off));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT names records={Records} off_ns_per_record={off / Records:F0} own_names_cost={Mean(nameof(OwnNames)) / off:F3} "
            + $"with_answers_cost={Mean(nameof(WithAnswers)) / off:F3} off_bytes={Allocated(nameof(Off)):F1} "
            + $"own_names_bytes={Allocated(nameof(OwnNames)):F1} with_answers_bytes={Allocated(nameof(WithAnswers)):F1}"));
        return 0;
    }
}

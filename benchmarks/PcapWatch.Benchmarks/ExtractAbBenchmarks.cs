#if BASELINE_CORE
extern alias baseline;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using Base = baseline::PcapWatch;

namespace PcapWatch.Benchmarks;

/// <summary>
/// The hot path of this tree against the same code of a baseline revision, in one BenchmarkDotNet run on the same
/// bytes: the baseline's PcapWatch.Core is built under another assembly name (benchmarks/extract-ab.sh) and referenced
/// with an extern alias, so both live in this process. Compiled only when BaselineCore is given.
/// </summary>
[MemoryDiagnoser]
public class ExtractAbBenchmarks
{
    private byte[][] _records = [];
    private WatchIndex _index = new();
    private Base.Index.WatchIndex _baseIndex = new();
    private PacketFields _fields;
    private Base.Packets.PacketFields _baseFields;

    [Params("recipe", "json", "ek")]
    public string Shape { get; set; } = "recipe";

    public static int Run(string[] args)
    {
        BenchmarkRunner.Run<ExtractAbBenchmarks>(BenchmarkConfig.Create(), args);
        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        _records = SampleData.OfShape(Shape);
        // The same populated index in both, none of the samples' MACs in it: a packet nobody watches.
        for (int i = 0; i < 1000; i++)
        {
            var mac = new MacAddress(0x0a0000000000L + i);
            _index.Set(mac, [new WatchedComputer(mac, $"c{i}", $"{i}", $"e{i}", "Someone", $"e{i}")]);
            var baseMac = new Base.Packets.MacAddress(0x0a0000000000L + i);
            _baseIndex.Set(baseMac, [new Base.Index.WatchedComputer(baseMac, $"c{i}", $"{i}", $"e{i}", "Someone", $"e{i}")]);
        }
    }

    [Benchmark(Baseline = true, Description = "baseline: extract + probe")]
    public int BaselineExtractAndProbe()
    {
        int matched = 0;
        var gate = new Base.Join.WatchedMacGate(_baseIndex, Base.Join.MatchMode.Src);
        foreach (var r in _records)
        {
            if (Base.Join.MatchPrefilter.Scan(r, ref _baseFields, ref gate) == Base.Packets.ExtractStatus.Complete
                && _baseFields.EthSrc is { } src && _baseIndex.Contains(src))
            {
                matched++;
            }
        }
        return matched;
    }

    [Benchmark(Description = "this tree: extract + probe")]
    public int ExtractAndProbe() => ExtractBenchmarks.ExtractAndProbe(_records, _index, ref _fields);

    [Benchmark(Description = "baseline: prefilter alone")]
    public int BaselinePrefilter()
    {
        int undecided = 0;
        var gate = new Base.Join.WatchedMacGate(_baseIndex, Base.Join.MatchMode.Src);
        foreach (var r in _records) if (!Base.Join.MatchPrefilter.CannotMatch(r, in gate)) undecided++;
        return undecided;
    }

    [Benchmark(Description = "this tree: prefilter alone")]
    public int Prefilter()
    {
        int undecided = 0;
        var gate = new WatchedMacGate(_index, MatchMode.Src);
        foreach (var r in _records) if (!MatchPrefilter.CannotMatch(r, in gate)) undecided++;
        return undecided;
    }

    [Benchmark(Description = "baseline: extract all fields")]
    public int BaselineExtractAll()
    {
        int found = 0;
        foreach (var r in _records)
        {
            Base.Packets.PacketExtractor.Extract(r, ref _baseFields);
            if (_baseFields.EthSrc is not null) found++;
        }
        return found;
    }

    [Benchmark(Description = "this tree: extract all fields")]
    public int ExtractAll() => ExtractBenchmarks.ExtractAll(_records, ref _fields);
}
#endif

using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;

namespace PcapWatch.Benchmarks;

/// <summary>
/// The per-packet hot path, one batch of sample records per operation: PcapWatch's scan against the baseline a typical
/// consumer writes (JsonSerializer into POCOs naming the same fields), in the same run, on the same bytes.
/// </summary>
[MemoryDiagnoser]
public class ExtractBenchmarks
{
    private static readonly JsonSerializerOptions PocoOptions = new();

    private byte[][] _records = [];
    private WatchIndex _index = new();
    private PacketFields _fields;

    [Params("recipe", "json", "ek")]
    public string Shape { get; set; } = "recipe";

    public long BatchBytes { get; private set; }
    public int BatchRecords => _records.Length;

    [GlobalSetup]
    public void Setup()
    {
        _records = SampleData.OfShape(Shape);
        BatchBytes = _records.Sum(r => (long)r.Length);
        // A populated index that none of the samples' MACs is in: the common case, a packet nobody watches.
        _index = new WatchIndex();
        for (int i = 0; i < 1000; i++)
        {
            var mac = new MacAddress(0x0a0000000000L + i);
            _index.Set(mac, [new WatchedComputer(mac, $"c{i}", $"{i}", $"e{i}", "Someone", $"e{i}")]);
        }
    }

    [Benchmark(Baseline = true, Description = "JsonSerializer POCO")]
    public int JsonSerializerPoco()
    {
        int found = 0;
        foreach (var r in _records)
        {
            string? src = Shape switch
            {
                "recipe" => JsonSerializer.Deserialize<RecipePacket>(r, PocoOptions)?.Source?.Layers?.Eth?.Src,
                "json" => JsonSerializer.Deserialize<DottedPacket>(r, PocoOptions)?.Source?.Layers?.Eth?.Src,
                _ => JsonSerializer.Deserialize<EkPacket>(r, PocoOptions)?.Layers?.Eth.ValueKind.ToString(),
            };
            if (src is not null) found++;
        }
        return found;
    }

    [Benchmark(Description = "extract all fields")]
    public int ExtractAll() => ExtractAll(_records, ref _fields);

    [Benchmark(Description = "extract + probe (unwatched)")]
    public int ExtractAndProbe() => ExtractAndProbe(_records, _index, ref _fields);

    /// <summary>The full scan of every record (no early exit); also this tree's side of the A/B.</summary>
    internal static int ExtractAll(byte[][] records, ref PacketFields fields)
    {
        int found = 0;
        foreach (var r in records)
        {
            PacketExtractor.Extract(r, ref fields);
            if (fields.EthSrc is not null) found++;
        }
        return found;
    }

    /// <summary>The hot path: prefilter, then the scan when it cannot decide, then the index probe.</summary>
    internal static int ExtractAndProbe(byte[][] records, WatchIndex index, ref PacketFields fields)
    {
        int matched = 0;
        var gate = new WatchedMacGate(index, MatchMode.Src);
        foreach (var r in records)
        {
            if (MatchPrefilter.Scan(r, ref fields, ref gate) == ExtractStatus.Complete && fields.EthSrc is { } src
                && index.Contains(src))
            {
                matched++;
            }
        }
        return matched;
    }

    [Benchmark(Description = "reader scan + probe, no prefilter")]
    public int ReaderAndProbe()
    {
        int matched = 0;
        var gate = new WatchedMacGate(_index, MatchMode.Src);
        foreach (var r in _records)
        {
            if (PacketExtractor.Extract(r, ref _fields, ref gate) == ExtractStatus.Complete && _fields.EthSrc is { } src
                && _index.Contains(src))
            {
                matched++;
            }
        }
        return matched;
    }
}

using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Confluent.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Benchmarks;

/// <summary>
/// What counting once costs the writer per match: the output message as it was made before (key, value, timestamp) and
/// as it is made now, with its <c>pcapwatch.origin</c> header (<see cref="MatchOrigin"/>). The producer's own copying
/// of the header for librdkafka is not in this figure (the e2e benchmark's allocation per packet includes it).
/// </summary>
[MemoryDiagnoser]
public class OriginHeaderBenchmarks
{
    private readonly byte[] _key = new byte[17], _value = new byte[400];
    private long _offset = 1_000_000;

    [Benchmark(Baseline = true, Description = "message without an origin")]
    public Message<byte[], byte[]?> Without() =>
        new() { Key = _key, Value = _value, Timestamp = new Timestamp(1_700_000_000_000, TimestampType.CreateTime) };

    [Benchmark(Description = "message with its origin header")]
    public Message<byte[], byte[]?> With() => new()
    {
        Key = _key,
        Value = _value,
        Headers = [new Header(MatchOrigin.Header, new MatchOrigin(7, _offset++, 0, 999_000).Encode())],
        Timestamp = new Timestamp(1_700_000_000_000, TimestampType.CreateTime),
    };

    /// <summary>Runs the benchmark and ends with a RESULT line: the header's time and bytes per match.</summary>
    public static int Report(string[] args)
    {
        var summary = BenchmarkRunner.Run<OriginHeaderBenchmarks>(BenchmarkConfig.Create(), args);
        var reports = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();
        if (reports.Count < 2) return 1;
        var without = reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Without));
        var with = reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(With));
        long Bytes(BenchmarkDotNet.Reports.BenchmarkReport r) => r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? -1;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT origin-header ns_per_match={with.ResultStatistics!.Mean - without.ResultStatistics!.Mean:F1} "
            + $"bytes_per_match={Bytes(with) - Bytes(without)}"));
        return 0;
    }
}

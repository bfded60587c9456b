using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PcapWatch.Benchmarks;

/// <summary>Runs <see cref="ExtractBenchmarks"/> and ends with one machine-readable RESULT line per input shape.</summary>
internal static class ExtractReport
{
    public static int Run(string[] args)
    {
        var summary = BenchmarkRunner.Run<ExtractBenchmarks>(BenchmarkConfig.Create(), args);
        foreach (var shape in new[] { "recipe", "json", "ek" })
        {
            var sizes = new ExtractBenchmarks { Shape = shape };
            sizes.Setup();
            var hot = Find(summary, shape, nameof(ExtractBenchmarks.ExtractAndProbe));
            var full = Find(summary, shape, nameof(ExtractBenchmarks.ExtractAll));
            var poco = Find(summary, shape, nameof(ExtractBenchmarks.JsonSerializerPoco));
            if (hot is null || full is null || poco is null) continue;
            double hotNs = hot.ResultStatistics!.Mean, fullNs = full.ResultStatistics!.Mean, pocoNs = poco.ResultStatistics!.Mean;
            long allocated = hot.GcStats.GetBytesAllocatedPerOperation(hot.BenchmarkCase) ?? -1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT extract shape={shape} gbps={sizes.BatchBytes / hotNs:F2} full_scan_gbps={sizes.BatchBytes / fullNs:F2} "
                + $"bytes_per_record_allocated={(double)allocated / sizes.BatchRecords:F1} ratio_vs_jsonserializer={pocoNs / hotNs:F1} "
                + $"records={sizes.BatchRecords} avg_record_bytes={sizes.BatchBytes / sizes.BatchRecords}"));
        }
        return 0;
    }

    private static BenchmarkReport? Find(Summary summary, string shape, string method) =>
        summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && (string)r.BenchmarkCase.Parameters["Shape"] == shape && r.ResultStatistics is not null);
}

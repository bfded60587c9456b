using System.Globalization;
using PcapWatch.Output;
using PcapWatch.Tools;

namespace PcapWatch.Benchmarks;

/// <summary>
/// What a reader's <see cref="RepeatFilter"/> holds while reading a topic from its beginning: N matches from P pcap
/// partitions into O output partitions, the writer committing every C packets of each pcap partition; the heap growth
/// after full collections, and the origins remembered, at the end. Also the time per record read.
/// </summary>
internal static class RepeatFilterMemory
{
    public static int Run(string[] args)
    {
        int records = BenchmarkArgs.Int(args, "--records", 1_000_000);
        int pcapPartitions = BenchmarkArgs.Int(args, "--pcap-partitions", 12);
        int outputPartitions = BenchmarkArgs.Int(args, "--output-partitions", 4);
        int commitEvery = BenchmarkArgs.Int(args, "--commit-every", 1_000);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var filter = new RepeatFilter();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < records; i++)
        {
            int pcap = i % pcapPartitions;
            long offset = i / pcapPartitions;
            long floor = offset / commitEvery * commitEvery;
            filter.IsFirst((int)((uint)(i * 2654435761u) % (uint)outputPartitions), new MatchOrigin(pcap, offset, 0, floor));
        }
        double nsPerRecord = clock.Elapsed.TotalMilliseconds * 1e6 / records;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long bytes = after - before;
        long remembered = filter.Remembered;
        GC.KeepAlive(filter);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT repeat-filter records={records} pcap_partitions={pcapPartitions} output_partitions={outputPartitions} "
            + $"commit_every={commitEvery} remembered={remembered} bytes={bytes} bytes_per_origin={(remembered == 0 ? 0 : (double)bytes / remembered):F0} "
            + $"ns_per_record={nsPerRecord:F0}"));
        return 0;
    }
}

using PcapWatch.Benchmarks;
using PcapWatch.Output;

// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- extract     (BenchmarkDotNet, hot path)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- attribution     (BenchmarkDotNet: --match src vs src,ip vs both,ip)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- names     (BenchmarkDotNet: the decision of each record, --names off vs on)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- origin-header     (BenchmarkDotNet: an output message with and without its origin)
// benchmarks/extract-ab.sh BASE_REV   (the hot path of this tree against BASE_REV's, one BenchmarkDotNet run)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- e2e [--packets N] [--watch-every K] [--rounds R] [--program P]   (the broker and each consumer pinned to their own core, processes of their own)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- index-memory [--entries N]    (heap per index entry)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- passive-dns-memory [--answers N] [--renewals K]    (heap per answer learned)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- flow-stage [--packets N] [--hosts H] [--flows F]    (flows made from WATCHED_EMP_PACKETS values: CPU per packet, memory per open flow)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- repeat-filter [--records N] [--pcap-partitions P] [--output-partitions O] [--commit-every C]    (a reader's memory for counting once)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- fuzz [--seconds N]    (the record-path fuzz, long)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- tables [--rows N] [--program P]   (1 M + 1 M table rows: load, restart, RSS of a pcapwatch process)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- table-apply [--rows N]   (the table side without Kafka: apply, checkpoint, rebuild, reopen)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- startup [--runs N] [--program P]   (process start to first match, first start and restart)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- dashboard [--employees N] [--rate R] [--seconds S] [--port P]   (the page under load: CPU per match, feed updates and delay)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- ndp-flood [--claims N] [--max-addresses A]   (random NDP claims: bindings within their caps)
// dotnet run -c Release --project benchmarks/PcapWatch.Benchmarks -- table-state [--keys N] [--updates M] [--shared-rows R]
return args.FirstOrDefault() switch
{
    "extract" => ExtractReport.Run(args[1..]),
    "attribution" => AttributionBenchmarks.Report(args[1..]),
    "names" => NamesBenchmarks.Report(args[1..]),
    "origin-header" => OriginHeaderBenchmarks.Report(args[1..]),
#if BASELINE_CORE
    "extract-ab" => ExtractAbBenchmarks.Run(args[1..]),
#endif
    "e2e" => E2eBenchmark.Run(args[1..]),
    "e2e-consumer" => BenchmarkArgs.Text(args, "--kind") == "streamiz" ? StreamizJoin.RunUntilStopped(args[1..]) : BareConsumerProcess.Run(args[1..]),
    "index-memory" => IndexMemory.Run(args[1..]),
    "passive-dns-memory" => PassiveDnsMemory.Run(args[1..]),
    "repeat-filter" => RepeatFilterMemory.Run(args[1..]),
    "flow-stage" => FlowStageBenchmark.Run(args[1..]),
    "fuzz" => FuzzRun.Run(args[1..]),
    "table-state" => TableStateBenchmark.Run(args[1..]),
    "tables" => LargeTablesBenchmark.Run(args[1..]),
    "table-apply" => TableApplyBenchmark.Run(args[1..]),
    "startup" => StartupBenchmark.Run(args[1..]),
    "dashboard" => DashboardBenchmark.Run(args[1..]),
    "ndp-flood" => NdpFloodBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: PcapWatch.Benchmarks extract [BenchmarkDotNet args] | attribution [BenchmarkDotNet args] | names [BenchmarkDotNet args] | origin-header [BenchmarkDotNet args] | e2e [--packets N] [--rounds R] [--watch-every K] [--warm-up F] [--no-streamiz] [--program P] [--baseline-program P] [--perf FILE] | index-memory [--entries N] | passive-dns-memory [--answers N] [--renewals K] | flow-stage [--packets N] [--hosts H] [--flows F] | repeat-filter [--records N] [--pcap-partitions P] [--output-partitions O] [--commit-every C] | fuzz [--seconds N] | table-state [--keys N] [--updates M] [--shared-rows R] | tables [--rows N] [--partitions P] [--program P] [--attribution latest|capture-time] [--verbose] | table-apply [--rows N] | startup [--runs N] [--program P] [--verbose] | dashboard [--employees N] [--rate R] [--seconds S] [--port P] [--program P] | ndp-flood [--claims N] [--max-addresses A]");
    return 2;
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace PcapWatch.Benchmarks;

internal static class BenchmarkConfig
{
    /// <summary>
    /// In-process: the benchmarks run in this Release process instead of a generated project (which would inherit the
    /// repository's central package management and warnings-as-errors). Short warm-up, ten measured iterations.
    /// </summary>
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);
}

using System.Diagnostics;
using CsCheck;
using PcapWatch.Tests.Join;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>fuzz --seconds N</c>: the unit test's record-path property (<see cref="RecordFuzz"/>) for N seconds instead of
/// 20,000 cases. Prints cases run, cases/s and the outcome mix; a failing case prints its seed and exits 1.
/// </summary>
internal static class FuzzRun
{
    public static int Run(string[] args)
    {
        int seconds = 60;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--seconds") seconds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
        }
        var seeds = Directory.GetFiles(SampleData.FixturesDir, "*.ndjson").SelectMany(SampleData.Lines).ToList();
        using var fuzz = new RecordFuzz(seeds);
        var clock = Stopwatch.StartNew();
        try
        {
            fuzz.Generator.Sample(fuzz.Check, iter: int.MaxValue, time: seconds, threads: 1);
        }
        catch (CsCheckException ex)
        {
            Console.Error.WriteLine(ex);
            return 1;
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"RESULT fuzz cases={fuzz.Cases} seconds={elapsed:F0} cases_per_s={fuzz.Cases / elapsed:F0} seeds={seeds.Count}");
        foreach (var (outcome, count) in fuzz.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal)) Console.WriteLine($"  {outcome}: {count}");
        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using PcapWatch.Broker;
using PcapWatch.Kafka;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>dashboard</c>: is the page still responsive with 1,000 watched employees and 10,000 matches/s arriving? A
/// <c>pcapwatch dashboard</c> process reads an output topic the benchmark fills at a fixed rate (rows as the service
/// writes them, spread over the employees and a few protocols) while a live-feed client and a page-like poller (summary
/// and a chart every second) use it. Measured: the dashboard's CPU per match (its process's CPU time over the matches
/// it read), whether it kept up (read / produced), live-feed updates per second and their delay from the match's
/// timestamp to its arrival at the client, and how long the summary and a chart take under that load.
/// </summary>
internal static class DashboardBenchmark
{
    private static readonly string[] Protocols =
        ["eth:ethertype:ip:tcp", "eth:ethertype:ip:tcp:http", "eth:ethertype:ip:udp:dns", "eth:ethertype:ip:tcp:tls", "eth:ethertype:arp"];

    public static int Run(string[] args)
    {
        int employees = BenchmarkArgs.Int(args, "--employees", 1000);
        int rate = BenchmarkArgs.Int(args, "--rate", 10_000);
        int seconds = BenchmarkArgs.Int(args, "--seconds", 20);
        int port = BenchmarkArgs.Int(args, "--port", 18080);
        var program = ServiceProcess.ProgramPath(args);
        var topics = TopicNames.Default;

        using var broker = EmbeddedBroker.Start();
        broker.CreateTopic(topics.Output, 4);
        broker.CreateTopic(topics.Changelog, 1);
        var config = ClientSettings.Producer(broker.BootstrapServers, new Dictionary<string, string> { ["linger.ms"] = "5" });
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        var macs = Enumerable.Range(0, employees).Select(i => $"02:00:00:{i >> 16 & 0xff:x2}:{i >> 8 & 0xff:x2}:{i & 0xff:x2}").ToArray();
        for (int i = 0; i < employees; i++)
        {
            producer.Produce(topics.Changelog, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(macs[i]),
                Value = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
                {
                    ["EMP_ID"] = $"E{i}", ["EMP_NAME"] = $"Employee {i}", ["EMP_KEY"] = $"E{i}", ["MACADDR"] = macs[i], ["COMP_ID"] = $"{i}",
                }),
            });
        }
        producer.Flush(TimeSpan.FromMinutes(1));
        // A pool of rows in the output's shape; each send picks the next, so employees and protocols are all busy.
        var rows = Enumerable.Range(0, employees * 4).Select(i => Row(i, macs[i % employees], i % employees)).ToArray();

        Console.WriteLine($"dashboard benchmark: {employees} watched employees, {rate} matches/s for {seconds} s, program {program}");
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var dashboard = ServiceProcess.Start(program, ["dashboard", "-b", broker.BootstrapServers, "--port", port.ToString(CultureInfo.InvariantCulture)],
            (_, line) =>
            {
                if (line.Contains("ERR", StringComparison.Ordinal) || line.Contains("FTL", StringComparison.Ordinal)) Console.Error.WriteLine(line);
            });
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        WaitFor(() => Health(http) is not null, TimeSpan.FromSeconds(60), "the dashboard to answer");

        using var stop = new CancellationTokenSource();
        var feed = Task.Run(() => FollowFeed(http, stop.Token));
        var page = Task.Run(() => PollLikeThePage(http, stop.Token));

        var cpuBefore = dashboard.CpuTime();
        long readBefore = Health(http)!.Value.GetProperty("matchesRead").GetInt64();
        var clock = Stopwatch.StartNew();
        long produced = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            long due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; produced < due; produced++)
            {
                var row = rows[produced % rows.Length];
                producer.Produce(topics.Output, new Message<byte[]?, byte[]?> { Key = row.Key, Value = row.Value, Timestamp = new Timestamp(DateTime.UtcNow) });
            }
            Thread.Sleep(5); // pacing the producer, not waiting for a result
        }
        producer.Flush(TimeSpan.FromMinutes(1));
        var producing = clock.Elapsed;
        // Kept up: everything produced read within a few seconds of the last send.
        long target = readBefore + produced;
        var drain = Stopwatch.StartNew();
        while (Health(http)!.Value.GetProperty("matchesRead").GetInt64() < target && drain.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(100);
        var drained = drain.Elapsed;
        long read = Health(http)!.Value.GetProperty("matchesRead").GetInt64() - readBefore;
        var cpu = dashboard.CpuTime() - cpuBefore;
        long rss = dashboard.ResidentBytes();
        stop.Cancel();
        var (updates, items, latencies) = feed.GetAwaiter().GetResult();
        var (summaryMs, chartMs) = page.GetAwaiter().GetResult();
        dashboard.Stop(TimeSpan.FromSeconds(30));

        double window = (producing + drained).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT dashboard employees={employees} rate={rate} seconds={seconds} produced={produced} read={read} "
            + $"kept_up={(double)read / produced:F3} drain_s={drained.TotalSeconds:F2} "
            + $"cpu_us_per_match={cpu.TotalMicroseconds / Math.Max(1, read):F1} cpu_share={cpu.TotalSeconds / window:F2} "
            + $"updates_per_s={updates / producing.TotalSeconds:F1} feed_items_per_s={items / producing.TotalSeconds:F0} "
            + $"feed_delay_p50_ms={Percentile(latencies, 0.5):F0} feed_delay_p99_ms={Percentile(latencies, 0.99):F0} "
            + $"summary_p50_ms={Percentile(summaryMs, 0.5):F1} summary_p99_ms={Percentile(summaryMs, 0.99):F1} "
            + $"chart_p50_ms={Percentile(chartMs, 0.5):F1} rss_mb={rss / (1024 * 1024)}"));
        return 0;
    }

    private static (byte[] Key, byte[] Value) Row(int i, string mac, int employee) => (Encoding.UTF8.GetBytes(mac), JsonSerializer.SerializeToUtf8Bytes(
        new Dictionary<string, string?>
        {
            ["P_FRAME_TIME"] = $"Nov 30, 2026 12:00:{i % 60:00}.000000000 UTC", ["P_FRAME_LEN"] = (60 + i % 1400).ToString(CultureInfo.InvariantCulture),
            ["P_FRAME_PROTOCOLS"] = Protocols[i % Protocols.Length], ["P_ETH_SRC"] = mac, ["P_ETH_DST"] = "02:ff:00:00:00:01",
            ["P_IP_SRC"] = $"10.{employee >> 8 & 0xff}.{employee & 0xff}.2", ["P_IP_DST"] = "192.0.2.10", ["P_IP_SRC_HOST"] = null,
            ["P_IP_DST_HOST"] = null, ["P_IP_PROTO"] = "6", ["C_EMP_ID"] = $"E{employee}", ["C_EMP_NAME"] = $"Employee {employee}",
            ["C_EMP_KEY"] = $"E{employee}", ["C_MACADDR"] = mac,
        }));

    /// <summary>The live feed as the page gets it: events per second, items, and each event's delay (newest item's timestamp to arrival).</summary>
    private static async Task<(long Updates, long Items, List<double> DelaysMs)> FollowFeed(HttpClient http, CancellationToken stop)
    {
        long updates = 0, items = 0;
        var delays = new List<double>();
        try
        {
            using var stream = await http.GetStreamAsync("api/matches/stream", stop);
            using var reader = new StreamReader(stream);
            string? eventName = null;
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal)) eventName = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal) && eventName == "matches")
                {
                    var batch = JsonDocument.Parse(line[5..]).RootElement;
                    var list = batch.GetProperty("items");
                    updates++;
                    items += list.GetArrayLength();
                    if (list.GetArrayLength() > 0)
                    {
                        delays.Add((DateTimeOffset.UtcNow - list[0].GetProperty("time").GetDateTimeOffset()).TotalMilliseconds);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return (updates, items, delays);
    }

    /// <summary>What the open page asks every few seconds, here every second: the summary and the busiest employee's chart.</summary>
    private static async Task<(List<double> SummaryMs, List<double> ChartMs)> PollLikeThePage(HttpClient http, CancellationToken stop)
    {
        var summary = new List<double>();
        var chart = new List<double>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var clock = Stopwatch.StartNew();
                var s = await http.GetFromJsonAsync<JsonElement>("api/summary?window=15m", stop);
                summary.Add(clock.Elapsed.TotalMilliseconds);
                var first = s.GetProperty("employees");
                if (first.GetArrayLength() == 0) continue;
                clock.Restart();
                await http.GetStringAsync("api/chart?emp=" + Uri.EscapeDataString(first[0].GetProperty("empId").GetString()!), stop);
                chart.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return (summary, chart);
    }

    private static JsonElement? Health(HttpClient http)
    {
        try
        {
            return http.GetFromJsonAsync<JsonElement>("api/health").GetAwaiter().GetResult();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            Thread.Sleep(100);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}

using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using PcapWatch.Cli.Configuration;
using PcapWatch.Service;
using Serilog;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// Serves the service's <see cref="PipelineMetrics"/> meter (and .NET's own) for Prometheus at /metrics.
/// </summary>
internal static class PrometheusEndpoint
{
    public static MeterProvider Start(int port, MetricsListen listen)
    {
        // HttpListener matches a request's Host against its prefixes: "*" takes any (a scraper that names the container),
        // loopback answers to this machine's names for itself only.
        string[] prefixes = listen == MetricsListen.All
            ? [$"http://*:{port}/"]
            : [$"http://127.0.0.1:{port}/", $"http://localhost:{port}/"];
        var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("pcapwatch"))
            .AddMeter(PipelineMetrics.MeterName)
            // .NET's own: CPU, GC, allocation, JIT, thread pool (what a benchmark reads to see a process is warm).
            .AddMeter("System.Runtime")
            .AddPrometheusHttpListener(o =>
            {
                o.Port = port;
                o.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    foreach (var prefix in prefixes) listener.Prefixes.Add(prefix);
                };
            })
            .Build();
        Log.Information("Metrics for Prometheus on {Prefix}metrics", prefixes[0]);
        return provider;
    }
}

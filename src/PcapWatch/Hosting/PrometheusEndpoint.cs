using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using PcapWatch.Service;
using Serilog;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// Serves the service's <see cref="PipelineMetrics"/> meter (and .NET's own) for Prometheus at /metrics.
/// </summary>
internal static class PrometheusEndpoint
{
    public static MeterProvider Start(int port)
    {
        var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("pcapwatch"))
            .AddMeter(PipelineMetrics.MeterName)
            // .NET's own: CPU, GC, allocation, JIT, thread pool (what a benchmark reads to see a process is warm).
            .AddMeter("System.Runtime")
            .AddPrometheusHttpListener(o =>
            {
                o.Port = port;
                // Every interface, so a Prometheus in another container can scrape it ("*" is not a valid Host here).
                o.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add($"http://*:{port}/");
                };
            })
            .Build();
        Log.Information("Metrics for Prometheus on http://*:{Port}/metrics", port);
        return provider;
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PcapWatch.Cli.Configuration;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// The Prometheus endpoint as a hosted service: up when the host starts (if a port is set), gone when it stops.
/// </summary>
internal sealed class MetricsEndpointService(IOptions<PcapWatchSettings> settings) : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Value.MetricsPort > 0) _provider = PrometheusEndpoint.Start(settings.Value.MetricsPort, settings.Value.MetricsListen);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _provider = null;
    }
}

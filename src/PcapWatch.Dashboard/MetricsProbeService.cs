using Microsoft.Extensions.Hosting;

namespace PcapWatch.Dashboard;

/// <summary>The probe of the instances' metrics endpoints (the page's health view) as a hosted service of the
/// page.</summary>
internal sealed class MetricsProbeService(MetricsProbe probe) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => probe.RunAsync(stoppingToken);
}

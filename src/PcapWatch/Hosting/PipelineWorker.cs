using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PcapWatch.Cli.Configuration;
using PcapWatch.Service;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// `run` as a hosted service: the pipeline loop on a thread of its own (<see cref="DedicatedLoop"/>), stopped by the
/// host's token.
/// </summary>
internal sealed class PipelineWorker(
    IOptions<PcapWatchSettings> settings, PipelineOptions options, ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private readonly ILogger _log = loggers.CreateLogger<PipelineWorker>();
    private readonly DedicatedLoop _loop = new("pcapwatch-pipeline", lifetime);

    /// <summary>Rethrows what stopped the pipeline, if anything did.</summary>
    public void ThrowIfFailed() => _loop.ThrowIfFailed();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = settings.Value;
        _log.LogInformation("Settings: bootstrap={Bootstrap} state_dir={StateDir} group={GroupId} match={Match} "
            + "metrics_port={MetricsPort} output={OutputFormat} consumer=[{Consumer}] producer=[{Producer}] schema_registry=[{SchemaRegistry}]",
            options.BootstrapServers, options.StateDir, options.GroupId, SettingValue.Name(s.Match), s.MetricsPort, SettingValue.Name(s.OutputFormat),
            Secrets.Describe(s.Kafka.Consumer), Secrets.Describe(s.Kafka.Producer), Secrets.Describe(s.SchemaRegistry));
        return _loop.Start(() => new PcapWatchPipeline(options, loggers).Run(stoppingToken));
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PcapWatch.FlowStage;
using PcapWatch.Service;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// `run --flows` (and nothing without it): the flow stage beside the pipeline, on a thread of its own (<see cref="DedicatedLoop"/>), stopped by
/// the host's token; if it ends by itself the host stops, and the pipeline with it.
/// </summary>
internal sealed class FlowStageWorker(PipelineOptions options, ILoggerFactory loggers, IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly DedicatedLoop _loop = new("pcapwatch-flows", lifetime);

    /// <summary>Rethrows what stopped the flow stage, if anything did.</summary>
    public void ThrowIfFailed() => _loop.ThrowIfFailed();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => options.Flows
        ? _loop.Start(() => new FlowStageLoop(options, loggers).Run(stoppingToken))
        : Task.CompletedTask;
}

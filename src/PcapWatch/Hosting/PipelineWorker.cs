using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PcapWatch.Cli.Configuration;
using PcapWatch.Service;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// `run` as a hosted service: the pipeline loop on a dedicated thread of its own (it blocks in the Kafka client and
/// must never hold a thread-pool thread), stopped by the host's token, and stopping the host when it ends by itself.
/// A failure is kept to be rethrown after the host has stopped, so the program still exits with its code.
/// </summary>
internal sealed class PipelineWorker(
    IOptions<PcapWatchSettings> settings, PipelineOptions options, ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private readonly ILogger _log = loggers.CreateLogger<PipelineWorker>();
    private ExceptionDispatchInfo? _failure;

    /// <summary>Rethrows what stopped the pipeline, if anything did.</summary>
    public void ThrowIfFailed() => _failure?.Throw();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = settings.Value;
        _log.LogInformation("Settings: bootstrap={Bootstrap} state_dir={StateDir} group={GroupId} match={Match} "
            + "metrics_port={MetricsPort} output={OutputFormat} consumer=[{Consumer}] producer=[{Producer}] schema_registry=[{SchemaRegistry}]",
            options.BootstrapServers, options.StateDir, options.GroupId, SettingValue.Name(s.Match), s.MetricsPort, SettingValue.Name(s.OutputFormat),
            Secrets.Describe(s.Kafka.Consumer), Secrets.Describe(s.Kafka.Producer), Secrets.Describe(s.SchemaRegistry));
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                new PcapWatchPipeline(options, loggers).Run(stoppingToken);
            }
            catch (Exception ex)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                done.SetResult();
                lifetime.StopApplication();
            }
        })
        {
            Name = "pcapwatch-pipeline",
            IsBackground = true, // past the host's shutdown timeout the process may end without it
        };
        thread.Start();
        return done.Task;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PcapWatch.Cli.Configuration;
using PcapWatch.Service;
using Serilog;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// Hosts `run` in the .NET Generic Host: settings bound once and validated when the host starts (the annotations'
/// source-generated validator and <see cref="RunSettingsValidator"/>), Serilog as the logging provider (the core
/// logs through ILogger), the metrics endpoint and the pipeline as hosted services, and the host's shutdown timeout
/// bounding how long stopping may take. Invalid settings leave as a <see cref="SettingsException"/> (exit code 2).
/// </summary>
internal static class PipelineHost
{
    // Beyond the pipeline's own shutdown timeout (delivering, committing, checkpointing): room to close the clients.
    private static readonly TimeSpan CloseMargin = TimeSpan.FromSeconds(10);

    public static void Run(IConfiguration configuration, CancellationToken stop)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        builder.Services.AddOptions<PcapWatchSettings>()
            .Configure(settings => SettingsLoader.Bind(configuration, settings))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PcapWatchSettings>, RunSettingsValidator>();
        builder.Services.AddSingleton<IValidateOptions<PcapWatchSettings>, PcapWatchSettingsValidator>();
        builder.Services.AddSingleton<IValidateOptions<PcapWatchSettings>, AttributionSettingsValidator>();
        builder.Services.AddSingleton(services => PipelineOptionsFactory.From(services.GetRequiredService<IOptions<PcapWatchSettings>>().Value));
        builder.Services.AddOptions<HostOptions>().Configure<PipelineOptions>((host, pipeline) =>
        {
            host.ShutdownTimeout = pipeline.ShutdownTimeout + CloseMargin;
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        // The service logs its own start and stop; the host's "Application started. Press Ctrl+C" lines are noise here.
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.Services.AddHostedService<MetricsEndpointService>();
        builder.Services.AddSingleton<PipelineWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PipelineWorker>());
        builder.Services.AddSingleton<FlowStageWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FlowStageWorker>());
        PipelineWorker? worker = null;
        FlowStageWorker? flows = null;
        var patience = TimeSpan.Zero;
        try
        {
            // Building resolves HostOptions, which needs the (validated) shutdown timeout: bad settings fail here, and
            // ValidateOnStart would catch them at start otherwise.
            var host = builder.Build();
            worker = host.Services.GetRequiredService<PipelineWorker>();
            flows = host.Services.GetRequiredService<FlowStageWorker>();
            patience = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
            host.RunAsync(stop).GetAwaiter().GetResult(); // disposes the host when it has stopped
        }
        catch (OptionsValidationException ex)
        {
            throw new SettingsException(ex.Failures.First());
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A signal while the host was starting cancels its start. Had the pipeline begun, disposing the host asked
            // it to stop: it is given its shutdown time to commit what it did, as after any other stop.
            worker?.ExecuteTask?.Wait(patience);
            flows?.ExecuteTask?.Wait(patience);
            Log.Information("Stopped while starting");
        }
        worker?.ThrowIfFailed();
        flows?.ThrowIfFailed();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PcapWatch.Service;
using Serilog;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// Hosts `run` in the .NET Generic Host: Serilog as the logging provider (the core logs through ILogger), the
/// pipeline as a hosted service, and the host's shutdown timeout bounding how long stopping may take.
/// </summary>
internal static class PipelineHost
{
    // Beyond the pipeline's own shutdown timeout (delivering, committing, checkpointing): room to close the clients.
    private static readonly TimeSpan CloseMargin = TimeSpan.FromSeconds(10);

    public static void Run(PipelineOptions options, CancellationToken stop)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.Configure<HostOptions>(host =>
        {
            host.ShutdownTimeout = options.ShutdownTimeout + CloseMargin;
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        // The service logs its own start and stop; the host's "Application started. Press Ctrl+C" lines are noise here.
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.Services.AddSingleton<PipelineWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PipelineWorker>());
        using var host = builder.Build();
        var worker = host.Services.GetRequiredService<PipelineWorker>();
        host.RunAsync(stop).GetAwaiter().GetResult();
        worker.ThrowIfFailed();
    }
}

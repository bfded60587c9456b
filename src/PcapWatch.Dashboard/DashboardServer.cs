using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;
using PcapWatch.Tools;

namespace PcapWatch.Dashboard;

/// <summary>
/// <c>pcapwatch dashboard</c>: waits for Kafka, then serves the page on Kestrel, a <c>WebApplication</c> whose topic
/// reader and metrics probe are its hosted services. Runs until stopped; a failure of the topic reader (a setting, not
/// a record: records are skipped) stops it with that error.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TopicFollower _follower;
    private readonly MetricsProbe _metrics;
    private readonly MatchValueDecoder _decoder;
    private readonly AuditTopicWriter? _auditTopic;
    private readonly Task _reading;

    private DashboardServer(WebApplication app, TopicFollower follower, MetricsProbe metrics, MatchValueDecoder decoder,
        AuditTopicWriter? auditTopic, Task reading)
    {
        (_app, _follower, _metrics, _decoder, _auditTopic, _reading) = (app, follower, metrics, decoder, auditTopic, reading);
    }

    /// <summary>Where the page is (the bound port, also when 0 was asked for).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// Completes when the topic reader stops: at disposal, or faulted with the reason it could not go on.
    /// </summary>
    public Task Reading => _reading;

    public static async Task<DashboardServer> StartAsync(DashboardOptions options, ILoggerFactory loggers, CancellationToken cancel)
    {
        RefuseAnOpenListen(options);
        var log = loggers.CreateLogger("PcapWatch.Dashboard");
        var state = new DashboardState(options.FeedCapacity);
        var decoder = new MatchValueDecoder(options.SchemaRegistry);
        TopicFollower? follower = null;
        AuditTopicWriter? auditTopic = null;
        var metrics = new MetricsProbe(options.MetricsUrls, options.MetricsInterval, log);
        try
        {
            var kafka = new KafkaConnectivity(loggers.CreateLogger("librdkafka"));
            follower = new TopicFollower(options, state, decoder, log, kafka, cancel);
            if (options.AuditToTopic) auditTopic = new AuditTopicWriter(options, log, kafka);
            var audit = new DashboardAudit(loggers.CreateLogger("PcapWatch.Dashboard.Audit"), options.Clock, auditTopic);
            var app = Build(options, loggers, follower, metrics);
            var gate = new AccessGate(options.Credentials, options.Listen, options.AllowedHosts, new LoginThrottle(options.Clock), audit, log);
            app.Use(gate.InvokeAsync);
            app.UseRouting();
            DashboardEndpoints.Map(app, state, metrics, audit, options);

            await app.StartAsync(cancel);
            var reading = app.Services.GetRequiredService<TopicReaderService>().ExecuteTask!;
            var server = new DashboardServer(app, follower, metrics, decoder, auditTopic, reading);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.Address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
            log.LogInformation("Dashboard on {Address} (reading {Output} and {Changelog} at {Bootstrap}{Auth})", server.Address,
                options.Topics.Output, options.Topics.Changelog, options.BootstrapServers,
                options.Credentials.Any ? $"; {options.Credentials.Users.Count} user(s), credentials required" : "");
            return server;
        }
        catch
        {
            follower?.Dispose();
            auditTopic?.Dispose();
            metrics.Dispose();
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>Beyond loopback the page needs credentials, and HTTPS unless plain HTTP is allowed (checked before anything listens).</summary>
    private static void RefuseAnOpenListen(DashboardOptions options)
    {
        if (!DashboardCredentials.Required(options.Listen)) return;
        if (!options.Credentials.Any)
        {
            throw new ArgumentException($"the dashboard would listen on {options.Listen}, beyond this machine, without users: add "
                + "some to Dashboard:Users (`pcapwatch dashboard add-user NAME` prints the lines), or listen on 127.0.0.1");
        }
        if (options.Certificate is null && !options.AllowHttp)
        {
            throw new ArgumentException($"the dashboard would listen on {options.Listen}, beyond this machine, over plain HTTP: give it a "
                + "certificate (Dashboard:CertificateFile), or set Dashboard:AllowHttp behind a proxy that ends TLS");
        }
    }

    /// <summary>The page's WebApplication: Kestrel (HTTPS with the certificate, if any), the hosted reader and probe, the logs.</summary>
    private static WebApplication Build(DashboardOptions options, ILoggerFactory loggers, TopicFollower follower, MetricsProbe metrics)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(new TopicReaderService(follower));
        builder.Services.AddHostedService(services => services.GetRequiredService<TopicReaderService>());
        builder.Services.AddHostedService(_ => new MetricsProbeService(metrics));
        // A reader that cannot go on: RunUntilAsync rethrows its reason to whoever runs the page, who stops it.
        builder.Services.Configure<HostOptions>(h => h.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        // Through the loggers the page was given, like the rest; the framework's per-request lines only when something
        // goes wrong, and not the host's own line when a hosted service faults (the reader's failure is said once).
        builder.Logging.ClearProviders().AddProvider(new ForwardingLoggerProvider(loggers))
            .AddFilter<ForwardingLoggerProvider>("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter<ForwardingLoggerProvider>("Microsoft.Hosting", LogLevel.Warning)
            .AddFilter<ForwardingLoggerProvider>("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(options.Listen, options.Port, listen =>
            {
                if (options.Certificate is { } certificate) listen.UseHttps(certificate);
            });
        });
        return builder.Build();
    }

    /// <summary>
    /// Serves until <paramref name="cancel"/> fires; rethrows what stopped the topic reader, if anything did.
    /// </summary>
    public async Task RunUntilAsync(CancellationToken cancel)
    {
        var cancelled = Task.Delay(Timeout.Infinite, cancel);
        await Task.WhenAny(cancelled, _reading);
        if (_reading.IsFaulted) await _reading;
    }

    /// <summary>
    /// Stops the page and its hosted services (the host waits for them), then lets go of the clients.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _follower.Dispose();
        _auditTopic?.Dispose();
        _metrics.Dispose();
        _decoder.Dispose();
    }
}

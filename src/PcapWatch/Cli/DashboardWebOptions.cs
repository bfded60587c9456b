using System.CommandLine;
using System.Net;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Dashboard;
using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary>Where the page listens, and for whom: shared by <c>dashboard</c> and <c>demo --dashboard</c>.</summary>
internal sealed class DashboardWebOptions
{
    public Option<int> Port { get; } = new("--port")
    {
        Description = "TCP port of the page",
        DefaultValueFactory = _ => 8080,
    };

    public Option<string> Listen { get; } = new("--listen")
    {
        Description = "Address to listen on; anything but loopback requires credentials from the settings",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    public Option<string[]> Metrics { get; } = new("--metrics")
    {
        Description = "An instance's Prometheus endpoint (run --metrics-port), for the health line; repeat for each instance",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Port);
        command.Options.Add(Listen);
        command.Options.Add(Metrics);
    }

    public DashboardOptions Options(ParseResult parse, PcapWatchSettings settings, string servers) =>
        Options(parse.GetValue(Port), parse.GetValue(Listen)!, parse.GetValue(Metrics) ?? [], settings, servers);

    public static DashboardOptions Options(int port, string listenText, string[] metricsUrls, PcapWatchSettings settings, string servers)
    {
        if (port is < 0 or > 65535) throw new SettingsException($"--port {port}: give a TCP port, 0 to 65535");
        if (!IPAddress.TryParse(listenText, out var listen))
        {
            throw new SettingsException($"--listen '{listenText}': give an IP address (127.0.0.1, ::1, 0.0.0.0 or one of this host's)");
        }
        var metrics = new List<Uri>();
        foreach (var url in metricsUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new SettingsException($"--metrics '{url}': give an http(s) URL such as http://host:9464/metrics");
            }
            metrics.Add(uri);
        }
        var credentials = DashboardUsers.From(settings.Dashboard);
        if (DashboardCredentials.Required(listen) && !credentials.Any)
        {
            throw new SettingsException($"--listen {listen} reaches beyond this machine, and the page shows who is watched: add users "
                + "to Dashboard:Users (`pcapwatch dashboard add-user NAME` prints the lines to paste); or listen on 127.0.0.1");
        }
        if (settings.Dashboard.MaxStreams < 1 || settings.Dashboard.MaxPatternLength < 1)
        {
            throw new SettingsException("Dashboard:MaxStreams and Dashboard:MaxPatternLength must be at least 1");
        }
        var certificate = DashboardCertificate.Load(settings.Dashboard);
        if (certificate is null && !IPAddress.IsLoopback(listen) && !settings.Dashboard.AllowHttp)
        {
            throw new SettingsException($"--listen {listen} reaches beyond this machine over plain HTTP: set Dashboard:CertificateFile "
                + "(PFX, or PEM with Dashboard:CertificateKeyFile) for HTTPS, or Dashboard:AllowHttp true behind a proxy that ends TLS");
        }
        return new DashboardOptions
        {
            Certificate = certificate,
            AllowHttp = settings.Dashboard.AllowHttp,
            AllowedHosts = settings.Dashboard.AllowedHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            MaxStreams = settings.Dashboard.MaxStreams,
            MaxPatternLength = settings.Dashboard.MaxPatternLength,
            BootstrapServers = servers,
            KafkaProperties = settings.Kafka.Consumer,
            SchemaRegistry = settings.SchemaRegistry,
            Listen = listen,
            Port = port,
            Credentials = credentials,
            AuditToTopic = settings.Dashboard.AuditToTopic,
            ProducerProperties = settings.Kafka.Producer,
            MetricsUrls = metrics,
        };
    }

    /// <summary>
    /// Serves until <paramref name="cancel"/> (Ctrl+C); a port already taken is a setting to change, not a bug.
    /// </summary>
    public static void Serve(DashboardOptions options, CancellationToken cancel)
    {
        DashboardServer server;
        try
        {
            server = DashboardServer.StartAsync(options, ToolLogging.Loggers, cancel).GetAwaiter().GetResult();
        }
        catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
            || ex.InnerException is System.Net.Sockets.SocketException)
        {
            throw new SettingsException($"--listen {options.Listen} --port {options.Port}: {ex.Message}");
        }
        Console.Out.WriteLine($"dashboard: {server.Address}");
        Console.Out.Flush();
        try
        {
            server.RunUntilAsync(cancel).GetAwaiter().GetResult();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

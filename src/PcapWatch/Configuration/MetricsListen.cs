namespace PcapWatch.Cli.Configuration;

/// <summary>Where <c>/metrics</c> answers (setting <c>MetricsListen</c>, written <c>loopback</c> or <c>all</c>).</summary>
internal enum MetricsListen
{
    /// <summary>This machine only: the endpoint has no credentials, and says how busy the service is and with what.</summary>
    Loopback,

    /// <summary>Every interface, for a Prometheus on another host or container (docker-compose sets it).</summary>
    All,
}

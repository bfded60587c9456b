using System.Net;
using System.Security.Cryptography.X509Certificates;
using PcapWatch.Kafka;

namespace PcapWatch.Dashboard;

/// <summary>What the dashboard reads, where it listens and whom it lets in.</summary>
public sealed record DashboardOptions
{
    public required string BootstrapServers { get; init; }
    public IReadOnlyDictionary<string, string>? KafkaProperties { get; init; }
    /// <summary>Schema Registry client properties, for an Avro output topic; null when none.</summary>
    public IReadOnlyDictionary<string, string>? SchemaRegistry { get; init; }
    public TopicNames Topics { get; init; } = TopicNames.Default;

    /// <summary>The address Kestrel binds: loopback unless the operator says otherwise.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>0 lets the system choose (tests); the bound port is <see cref="DashboardServer.Port"/>.</summary>
    public int Port { get; init; } = 8080;

    public DashboardCredentials Credentials { get; init; } = DashboardCredentials.None;

    /// <summary>
    /// Also write the audit trail to <see cref="TopicNames.DashboardAudit"/> (it is always logged, and the latest are
    /// at <c>/api/audit</c>).
    /// </summary>
    public bool AuditToTopic { get; init; }

    /// <summary>The audit topic's producer properties (security, tuning); null when none.</summary>
    public IReadOnlyDictionary<string, string>? ProducerProperties { get; init; }

    /// <summary>Serve HTTPS with this certificate (it needs its private key); null: plain HTTP.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Plain HTTP beyond loopback, which is refused otherwise (the page carries names and passwords).</summary>
    public bool AllowHttp { get; init; }

    /// <summary>
    /// Host names the page answers to besides addresses and localhost (the name users type, a proxy's): any other is
    /// refused with 421, so a DNS-rebinding page cannot reach the page or prompt for its credentials.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>The instances' Prometheus endpoints (http://host:port/metrics), polled for the health line.</summary>
    public IReadOnlyList<Uri> MetricsUrls { get; init; } = [];

    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for Kafka at start; null waits as long as it takes.</summary>
    public TimeSpan? KafkaTimeout { get; init; }

    /// <summary>Matches kept for the live feed (newest first); older ones are only in the charts.</summary>
    public int FeedCapacity { get; init; } = 1000;

    /// <summary>
    /// The live feed sends at most one update per client per interval, so 10,000 matches/s stay a few events/s.
    /// </summary>
    public TimeSpan StreamInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Live streams served at once; one more is refused with 429 until one ends.</summary>
    public int MaxStreams { get; init; } = DefaultMaxStreams;

    /// <summary>The longest <c>like</c> pattern or employee filter a request may give; longer is refused with 400.</summary>
    public int MaxPatternLength { get; init; } = DefaultMaxPatternLength;

    /// <summary>The clock of the login throttle's lockouts (tests move it by hand).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public const int DefaultMaxStreams = 32;
    public const int DefaultMaxPatternLength = 256;
}

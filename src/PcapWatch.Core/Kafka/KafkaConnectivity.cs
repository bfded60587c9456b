using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PcapWatch.Kafka;

/// <summary>
/// What the Kafka clients of one process say about reaching the cluster, told the way a person needs it. librdkafka
/// retries a lost broker by itself and logs every failed attempt (dozens of lines a second, per client); here an
/// outage becomes one warning when a broker is first lost and one line when it is back (seen in the clients'
/// statistics), and the per-attempt lines drop to Debug. A refused login or a missing permission is kept as
/// <see cref="Refusal"/>: retrying cannot fix it, and the caller stops with it.
/// </summary>
/// <remarks>Thread-safe: librdkafka calls in from its own threads and from Consume/Poll.</remarks>
public sealed class KafkaConnectivity(ILogger? log = null)
{
    /// <summary>How often the clients report statistics, from which a broker that is back is seen.</summary>
    public const int StatisticsIntervalMs = 5_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Outage> _outages = new(StringComparer.Ordinal);
    private string? _lastProblem;
    private KafkaError? _refusal;
    private bool _reportOutages;

    /// <summary>Where librdkafka's own lines go.</summary>
    public ILogger Log { get; } = log ?? NullLogger.Instance;

    /// <summary>
    /// The most recent reason a broker could not be reached ("Connection refused"), for "waiting for Kafka" lines.
    /// </summary>
    public string? LastProblem { get { lock (_lock) return _lastProblem; } }

    /// <summary>Authentication or authorisation refused: set once, never cleared.</summary>
    public KafkaError? Refusal { get { lock (_lock) return _refusal; } }

    /// <summary>Whether a broker is currently known to be unreachable.</summary>
    public bool HasOutage { get { lock (_lock) return _outages.Count > 0; } }

    /// <summary>
    /// From now on, log each outage once when it starts and once when it ends. Before that (while a start-up waits for
    /// Kafka and says so itself) outages are tracked silently.
    /// </summary>
    public void ReportOutages()
    {
        lock (_lock)
        {
            _reportOutages = true;
            _outages.Clear(); // what happened before start-up ended was the waiting loop's to tell
        }
    }

    internal void OnLog(string client, LogMessage message)
    {
        // FAIL is librdkafka's line per failed connection attempt: the outage is told once, by OnError and
        // OnStatistics.
        var level = message.Facility == "FAIL" ? LogLevel.Debug : KafkaClients.LevelOf(message.Level);
        Log.Log(level, "{KafkaClient} {Facility}: {KafkaMessage}", client, message.Facility, message.Message);
    }

    internal void OnError(string client, Error error)
    {
        if (IsRefusal(error.Code))
        {
            lock (_lock) _refusal ??= new KafkaError(error.Code, BrokerMessage.Text(error.Reason));
            Log.LogDebug("{KafkaClient} {KafkaError}: {Reason}", client, error.Code, error.Reason);
            return;
        }
        if (error.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Resolve)
        {
            OnTransportError(client, error);
            return;
        }
        // Fatal errors end the client; others are retried by librdkafka itself.
        if (error.IsFatal) Log.LogError("{KafkaClient} fatal error {KafkaError}: {Reason}", client, error.Code, error.Reason);
        else Log.LogWarning("{KafkaClient} {KafkaError}: {Reason}", client, error.Code, error.Reason);
    }

    private void OnTransportError(string client, Error error)
    {
        Log.LogDebug("{KafkaClient} {KafkaError}: {Reason}", client, error.Code, error.Reason);
        if (!BrokerMessage.TryParse(error.Reason, out var broker, out var text))
        {
            // "1/1 brokers are down" names no broker: the per-broker errors that come with it do.
            return;
        }
        bool started;
        lock (_lock)
        {
            _lastProblem = text;
            started = !_outages.ContainsKey(broker);
            if (started) _outages[broker] = new Outage(DateTimeOffset.UtcNow, text);
            if (!_reportOutages) return;
        }
        if (started) Log.LogWarning("Kafka broker {Broker} unreachable: {Reason}; retrying until it is back", broker, text);
    }

    /// <summary>librdkafka's statistics: a broker whose connection is UP again ends its outage.</summary>
    internal void OnStatistics(string json)
    {
        lock (_lock)
        {
            if (_outages.Count == 0) return;
        }
        var (takenAt, up) = BrokersUp(json);
        foreach (var broker in up)
        {
            Outage outage;
            bool report;
            lock (_lock)
            {
                // Statistics another client took before the outage began must not end it: only later ones count
                // ("time" is in whole seconds, so a second later).
                if (!_outages.TryGetValue(broker, out outage) || takenAt <= outage.Since.ToUnixTimeSeconds()) continue;
                _outages.Remove(broker);
                report = _reportOutages;
            }
            if (report)
            {
                Log.LogInformation("Kafka broker {Broker} reachable again after {Seconds} s (it was: {Reason})",
                    broker, (int)(DateTimeOffset.UtcNow - outage.Since).TotalSeconds, outage.Reason);
            }
        }
    }

    /// <summary>When the statistics were taken (unix seconds), and the brokers whose connection was UP then.</summary>
    private static (long TakenAt, List<string> Up) BrokersUp(string json)
    {
        var up = new List<string>();
        long takenAt = 0;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("time", out var time) && time.TryGetInt64(out long seconds)) takenAt = seconds;
            if (!doc.RootElement.TryGetProperty("brokers", out var brokers) || brokers.ValueKind != JsonValueKind.Object) return (takenAt, up);
            foreach (var b in brokers.EnumerateObject())
            {
                if (b.Value.TryGetProperty("state", out var state) && state.ValueEquals("UP")
                    && b.Value.TryGetProperty("nodename", out var node) && node.GetString() is { Length: > 0 } name)
                {
                    up.Add(name);
                }
            }
        }
        catch (JsonException)
        {
            // Statistics are librdkafka's; if they ever cannot be read, an outage's end is simply not reported.
        }
        return (takenAt, up);
    }

    /// <summary>Errors that retrying cannot fix: the credentials or the permissions are wrong.</summary>
    public static bool IsRefusal(ErrorCode code) => code is ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed
        or ErrorCode.TopicAuthorizationFailed or ErrorCode.GroupAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed
        or ErrorCode.TransactionalIdAuthorizationFailed or ErrorCode.DelegationTokenAuthorizationFailed;

    private readonly record struct Outage(DateTimeOffset Since, string Reason);
}

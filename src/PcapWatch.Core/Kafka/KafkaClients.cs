using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace PcapWatch.Kafka;

/// <summary>
/// Builds every Kafka client PcapWatch uses, with librdkafka's log lines, errors and statistics going to the caller's
/// <see cref="KafkaConnectivity"/>: its lines reach the caller's logger (Serilog, in the program: so
/// <c>--log-format json</c> stays JSON and levels filter them) instead of raw <c>%3|…</c> lines on stderr, and an
/// outage is told once instead of per retry. With none they go nowhere.
/// The log handler names the client from the log line itself, never from the client object: librdkafka logs from its
/// own threads while the client is still being constructed (a refused connection, before <c>rd_kafka_new</c> returns),
/// when the object has no handle yet and asking it for its Name kills the process.
/// </summary>
public static class KafkaClients
{
    /// <summary>
    /// Starts loading librdkafka, and binding the native functions Confluent.Kafka calls, on a pool thread: ~50 ms
    /// (ReadyToRun; more when compiled at run time) that the first client otherwise spends on the way to a service's
    /// first match. A service calls this first thing, so its host's start-up hides it; the first client waits for it
    /// to finish (Confluent.Kafka loads under a lock). A failure is left to that client to report.
    /// </summary>
    public static void PrepareNativeLibrary() => Task.Run(() =>
    {
        try
        {
            _ = Library.Version;
        }
        catch (Exception)
        {
            // The first client loads it again and says why it cannot.
        }
    });

    public static ConsumerBuilder<TKey, TValue> ConsumerBuilder<TKey, TValue>(ConsumerConfig config, KafkaConnectivity? kafka = null)
    {
        var sink = kafka ?? new KafkaConnectivity();
        return new ConsumerBuilder<TKey, TValue>(config)
            .SetLogHandler((_, message) => sink.OnLog(message.Name, message))
            .SetErrorHandler((client, error) => sink.OnError(client.Name, error))
            .SetStatisticsHandler((_, json) => sink.OnStatistics(json));
    }

    public static ProducerBuilder<TKey, TValue> ProducerBuilder<TKey, TValue>(ProducerConfig config, KafkaConnectivity? kafka = null)
    {
        var sink = kafka ?? new KafkaConnectivity();
        return new ProducerBuilder<TKey, TValue>(config)
            .SetLogHandler((_, message) => sink.OnLog(message.Name, message))
            .SetErrorHandler((client, error) => sink.OnError(client.Name, error))
            .SetStatisticsHandler((_, json) => sink.OnStatistics(json));
    }

    /// <summary>A manually assigned reader (<see cref="ClientSettings.Reader"/>).</summary>
    public static IConsumer<byte[]?, byte[]?> Reader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties,
        KafkaConnectivity? kafka = null)
    {
        return ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Reader(bootstrapServers, properties), kafka).Build();
    }

    /// <summary>librdkafka's syslog levels, mapped: errors stay errors, its notices and info are detail.</summary>
    public static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice => LogLevel.Information,
        SyslogLevel.Info => LogLevel.Debug,
        _ => LogLevel.Trace,
    };
}

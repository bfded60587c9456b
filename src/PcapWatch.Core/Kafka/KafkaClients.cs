using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PcapWatch.Kafka;

/// <summary>
/// Builds every Kafka client PcapWatch uses, with librdkafka's own log lines and errors routed to the caller's logger
/// (Serilog, in the program: so <c>--log-format json</c> stays JSON and levels filter them) instead of raw
/// <c>%3|…</c> lines on stderr. With no logger they go nowhere.
/// </summary>
public static class KafkaClients
{
    public static ConsumerBuilder<TKey, TValue> ConsumerBuilder<TKey, TValue>(ConsumerConfig config, ILogger? log = null)
    {
        var sink = log ?? NullLogger.Instance;
        return new ConsumerBuilder<TKey, TValue>(config)
            .SetLogHandler((client, message) => OnLog(sink, client.Name, message))
            .SetErrorHandler((client, error) => OnError(sink, client.Name, error));
    }

    public static ProducerBuilder<TKey, TValue> ProducerBuilder<TKey, TValue>(ProducerConfig config, ILogger? log = null)
    {
        var sink = log ?? NullLogger.Instance;
        return new ProducerBuilder<TKey, TValue>(config)
            .SetLogHandler((client, message) => OnLog(sink, client.Name, message))
            .SetErrorHandler((client, error) => OnError(sink, client.Name, error));
    }

    /// <summary>A manually assigned reader (no group, no commits): tables, tools, checks.</summary>
    public static IConsumer<byte[]?, byte[]?> Reader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties,
        ILogger? log = null) =>
        ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrapServers, null, properties), log).Build();

    /// <summary>librdkafka's syslog levels, mapped: errors stay errors, its notices and info are detail.</summary>
    public static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice => LogLevel.Information,
        SyslogLevel.Info => LogLevel.Debug,
        _ => LogLevel.Trace,
    };

    private static void OnLog(ILogger log, string client, LogMessage message) =>
        log.Log(LevelOf(message.Level), "{KafkaClient} {Facility}: {KafkaMessage}", client, message.Facility, message.Message);

    private static void OnError(ILogger log, string client, Error error)
    {
        // Non-fatal errors (a broker down, a timeout) are retried by librdkafka itself; fatal ones end the client.
        if (error.IsFatal) log.LogError("{KafkaClient} fatal error {KafkaError}: {Reason}", client, error.Code, error.Reason);
        else log.LogWarning("{KafkaClient} {KafkaError}: {Reason}", client, error.Code, error.Reason);
    }
}

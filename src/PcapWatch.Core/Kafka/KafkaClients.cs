using Confluent.Kafka;
using Serilog;
using Serilog.Events;

namespace PcapWatch.Kafka;

/// <summary>
/// Builds every Kafka client PcapWatch uses, with librdkafka's own log lines and errors routed through Serilog (so
/// <c>--log-format json</c> stays JSON and levels filter them) instead of raw <c>%3|…</c> lines on stderr.
/// </summary>
public static class KafkaClients
{
    private static readonly ILogger Log = Serilog.Log.ForContext("SourceContext", "librdkafka");

    public static ConsumerBuilder<TKey, TValue> ConsumerBuilder<TKey, TValue>(ConsumerConfig config) =>
        new ConsumerBuilder<TKey, TValue>(config)
            .SetLogHandler((client, message) => OnLog(client.Name, message))
            .SetErrorHandler((client, error) => OnError(client.Name, error));

    public static ProducerBuilder<TKey, TValue> ProducerBuilder<TKey, TValue>(ProducerConfig config) =>
        new ProducerBuilder<TKey, TValue>(config)
            .SetLogHandler((client, message) => OnLog(client.Name, message))
            .SetErrorHandler((client, error) => OnError(client.Name, error));

    /// <summary>A manually assigned reader (no group, no commits): tables, tools, checks.</summary>
    public static IConsumer<byte[]?, byte[]?> Reader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties) =>
        ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrapServers, null, properties)).Build();

    /// <summary>librdkafka's syslog levels, mapped: errors stay errors, its notices and info are detail.</summary>
    internal static LogEventLevel LevelOf(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogEventLevel.Error,
        SyslogLevel.Warning => LogEventLevel.Warning,
        SyslogLevel.Notice => LogEventLevel.Information,
        SyslogLevel.Info => LogEventLevel.Debug,
        _ => LogEventLevel.Verbose,
    };

    private static void OnLog(string client, LogMessage message) =>
        Log.Write(LevelOf(message.Level), "{KafkaClient} {Facility}: {KafkaMessage}", client, message.Facility, message.Message);

    private static void OnError(string client, Error error)
    {
        // Non-fatal errors (a broker down, a timeout) are retried by librdkafka itself; fatal ones end the client.
        if (error.IsFatal) Log.Error("{KafkaClient} fatal error {KafkaError}: {Reason}", client, error.Code, error.Reason);
        else Log.Warning("{KafkaClient} {KafkaError}: {Reason}", client, error.Code, error.Reason);
    }
}

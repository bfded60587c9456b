namespace PcapWatch.Kafka;

/// <summary>
/// Why Kafka cannot be used: the program exits with code 3 for each, with the message as its one line.
/// </summary>
public enum KafkaUnavailableReason
{
    /// <summary>No broker answered within the time allowed.</summary>
    Unreachable,

    /// <summary>Authentication failed, or the credentials lack a permission: retrying cannot help.</summary>
    Refused,

    /// <summary>A topic the command needs does not exist.</summary>
    TopicMissing,

    /// <summary>
    /// The broker kept refusing a record the service wrote for longer than it may (a topic deleted or denied).
    /// </summary>
    RecordRefused,
}

/// <summary>Kafka cannot be used, for a reason outside the program (not a bug): one line says what and where.</summary>
public sealed class KafkaUnavailableException(KafkaUnavailableReason reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public KafkaUnavailableReason Reason { get; } = reason;

    /// <summary>The same, with where it happened added (a topic's absence says little without the cluster).</summary>
    public KafkaUnavailableException At(string bootstrapServers, string? advice = null) =>
        new(Reason, $"{Message} at {bootstrapServers}{(advice is null ? "" : "; " + advice)}", this);
}

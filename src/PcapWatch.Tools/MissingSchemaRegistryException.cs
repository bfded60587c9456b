namespace PcapWatch.Tools;

/// <summary>
/// A record in Avro's wire format and no Schema Registry configured: a setting to fix when the topic holds Avro, and
/// the readers count it as unreadable (with this message) so that one such record cannot stop them.
/// </summary>
public sealed class MissingSchemaRegistryException(string topic) : InvalidOperationException(
    $"{topic} holds Avro records; pass --schema-registry URL (or set SchemaRegistry:schema.registry.url) to read them");

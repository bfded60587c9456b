namespace PcapWatch.Tools;

/// <summary>The topic holds Avro records and no Schema Registry is configured: a setting to fix, not a bad record.</summary>
public sealed class MissingSchemaRegistryException(string topic) : InvalidOperationException(
    $"{topic} holds Avro records; pass --schema-registry URL (or set SchemaRegistry:schema.registry.url) to read them");

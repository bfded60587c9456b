using System.Text.Json;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace PcapWatch.Tools;

/// <summary>
/// Lets the tools (tail, report, who) read both output formats: JSON passes through; a Confluent-framed Avro record
/// (it starts with a 0 byte, which JSON never does) is decoded through the Schema Registry into the same JSON columns.
/// </summary>
public sealed class MatchValueDecoder : IDisposable
{
    private readonly CachedSchemaRegistryClient? _registry;
    private readonly AvroDeserializer<GenericRecord>? _deserializer;

    /// <param name="registryProperties">Schema Registry client properties; null when none is configured.</param>
    public MatchValueDecoder(IReadOnlyDictionary<string, string>? registryProperties)
    {
        if (registryProperties is null || registryProperties.Count == 0) return;
        _registry = new CachedSchemaRegistryClient(registryProperties);
        _deserializer = new AvroDeserializer<GenericRecord>(_registry);
    }

    public static bool IsAvro(byte[]? value) => value is { Length: >= 5 } && value[0] == 0;

    /// <summary>
    /// The record as JSON bytes (null stays null). Throws <see cref="InvalidOperationException"/> only for a setting:
    /// an Avro record and no registry. A record the registry cannot decode throws as the Avro deserializer does; the
    /// tools read through <see cref="UnreadableRecords.Guard"/>, which counts it and goes on.
    /// </summary>
    public byte[]? ToJson(byte[]? value, string topic)
    {
        if (!IsAvro(value)) return value;
        if (_deserializer is null) throw new MissingSchemaRegistryException(topic);
        var record = _deserializer.DeserializeAsync(value, isNull: false, new SerializationContext(MessageComponentType.Value, topic))
            .GetAwaiter().GetResult();
        var columns = record.Schema.Fields.ToDictionary(f => f.Name, f => record.TryGetValue(f.Name, out var v) ? v : null);
        return JsonSerializer.SerializeToUtf8Bytes(columns);
    }

    public void Dispose() => _registry?.Dispose();
}

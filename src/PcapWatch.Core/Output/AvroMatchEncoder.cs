using System.Text;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Output;

/// <summary>
/// Avro output with Confluent Schema Registry (<c>--output-format avro</c>): the same columns as the JSON records, all
/// optional strings, in Confluent's wire format (magic byte 0, 4-byte schema id, Avro body). The schema is registered
/// under the topic's value subject on first use and cached by the serializer afterwards.
/// </summary>
public sealed class AvroMatchEncoder : IMatchEncoder
{
    /// <summary>
    /// The output schema: the recipe's columns plus DIRECTION and ATTRIBUTED_BY, each a nullable string, and
    /// ATTRIBUTION_CONTESTED, a nullable boolean (set only on records attributed by IP); then P_NAME and P_NAME_SOURCE
    /// (set only with --names). Every field added since the first is optional with a null default, so readers of either
    /// schema read records of the other.
    /// </summary>
    public static readonly RecordSchema Schema = (RecordSchema)Avro.Schema.Parse($$"""
        {"type":"record","name":"WATCHED_EMP_NETWORK_TRAFFIC","namespace":"pcapwatch","fields":[
        {{string.Join(",", OutputColumns.PacketColumns
            .Concat([OutputColumns.EmpId, OutputColumns.EmpName, OutputColumns.EmpKey, OutputColumns.MacAddr, OutputColumns.Direction,
                OutputColumns.AttributedBy])
            .Select(c => $$"""{"name":"{{c}}","type":["null","string"],"default":null}"""))}},
        {"name":"{{OutputColumns.AttributionContested}}","type":["null","boolean"],"default":null},
        {"name":"{{OutputColumns.Name}}","type":["null","string"],"default":null},
        {"name":"{{OutputColumns.NameSource}}","type":["null","string"],"default":null}]}
        """);

    private readonly CachedSchemaRegistryClient _registry;
    private readonly AvroSerializer<GenericRecord> _serializer;
    private readonly SerializationContext _context;

    /// <param name="registryProperties">Confluent Schema Registry client properties (schema.registry.url, auth,
    /// SSL).</param>
    public AvroMatchEncoder(IEnumerable<KeyValuePair<string, string>> registryProperties, string topic)
    {
        _registry = new CachedSchemaRegistryClient(registryProperties);
        _serializer = new AvroSerializer<GenericRecord>(_registry);
        _context = new SerializationContext(MessageComponentType.Value, topic);
    }

    public byte[] Encode(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
        string? attributedBy = null, bool contested = false, PacketName name = default)
    {
        var record = new GenericRecord(Schema);
        for (int i = 0; i < PacketFields.Count; i++)
        {
            record.Add(OutputColumns.PacketColumns[i], MatchRecordWriter.Text(packet, fields[(PacketField)i]));
        }
        record.Add(OutputColumns.EmpId, Encoding.UTF8.GetString(owner.EmpId));
        record.Add(OutputColumns.EmpName, owner.HasEmpName ? Encoding.UTF8.GetString(owner.EmpName) : null);
        record.Add(OutputColumns.EmpKey, owner.HasEmpKey ? Encoding.UTF8.GetString(owner.EmpKey) : null);
        record.Add(OutputColumns.MacAddr, mac.ToString());
        record.Add(OutputColumns.Direction, direction);
        record.Add(OutputColumns.AttributedBy, attributedBy);
        record.Add(OutputColumns.AttributionContested, attributedBy == Join.AttributedBy.Ip ? contested : null);
        record.Add(OutputColumns.Name, name.Name);
        record.Add(OutputColumns.NameSource, name.SourceText);
        // Synchronous on purpose: after the first record the schema id is cached and no I/O happens here.
        return _serializer.SerializeAsync(record, _context).GetAwaiter().GetResult();
    }

    public void Dispose() => _registry.Dispose();
}

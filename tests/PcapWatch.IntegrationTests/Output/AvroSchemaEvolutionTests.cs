using System.Text.Json.Nodes;
using Avro;
using Avro.Generic;
using Avro.IO;
using NUnit.Framework;
using PcapWatch.Output;

namespace PcapWatch.IntegrationTests.Output;

/// <summary>
/// Issue "What did they visit?": the output schema gains P_NAME and P_NAME_SOURCE compatibly. The test registry checks
/// no compatibility, so Avro's own schema resolution does, in both directions: a reader of the schema before them reads
/// the new records (the new fields are skipped), and a reader of the new schema reads the old records (they default to
/// null).
/// </summary>
public class AvroSchemaEvolutionTests
{
    private static readonly RecordSchema Current = AvroMatchEncoder.Schema;

    /// <summary>The schema as it was before names: the same without its two name fields.</summary>
    private static readonly RecordSchema BeforeNames = Without(Current, OutputColumns.Name, OutputColumns.NameSource);

    [Test]
    public void A_reader_of_the_schema_before_names_reads_records_with_names()
    {
        var record = new GenericRecord(Current);
        foreach (var field in Current.Fields) record.Add(field.Name, null);
        record.Add(OutputColumns.EmpName, "Alice Example");
        record.Add(OutputColumns.Name, "example.com");
        record.Add(OutputColumns.NameSource, "sni");
        var read = RoundTrip(record, Current, BeforeNames);
        Assert.That(read[OutputColumns.EmpName], Is.EqualTo("Alice Example"));
        Assert.That(read.Schema.Fields.Select(f => f.Name), Has.None.EqualTo(OutputColumns.Name));
    }

    [Test]
    public void A_reader_of_the_new_schema_reads_records_written_before_names_as_unnamed()
    {
        var record = new GenericRecord(BeforeNames);
        foreach (var field in BeforeNames.Fields) record.Add(field.Name, null);
        record.Add(OutputColumns.EmpName, "Alice Example");
        var read = RoundTrip(record, BeforeNames, Current);
        Assert.That(read[OutputColumns.EmpName], Is.EqualTo("Alice Example"));
        Assert.That((read[OutputColumns.Name], read[OutputColumns.NameSource]), Is.EqualTo(((object?)null, (object?)null)));
    }

    private static GenericRecord RoundTrip(GenericRecord record, RecordSchema writer, RecordSchema reader)
    {
        using var buffer = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(writer).Write(record, new BinaryEncoder(buffer));
        buffer.Position = 0;
        return new GenericDatumReader<GenericRecord>(writer, reader).Read(null!, new BinaryDecoder(buffer));
    }

    private static RecordSchema Without(RecordSchema schema, params string[] fields)
    {
        var json = JsonNode.Parse(schema.ToString())!.AsObject();
        var kept = json["fields"]!.AsArray().Where(f => !fields.Contains((string)f!["name"]!)).Select(f => f!.DeepClone()).ToArray();
        json["fields"] = new JsonArray(kept);
        return (RecordSchema)Schema.Parse(json.ToJsonString());
    }
}

namespace PcapWatch.Output;

/// <summary>How output records are encoded.</summary>
public enum OutputFormat
{
    /// <summary>ksqlDB's JSON columns (the recipe's shape).</summary>
    Json,
    /// <summary>Avro in Confluent's wire format, the schema in a Schema Registry.</summary>
    Avro,
}

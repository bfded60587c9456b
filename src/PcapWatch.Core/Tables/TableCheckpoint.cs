using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcapWatch.Tables;

/// <summary>
/// What a store's checkpoint covers, saved inside the checkpoint itself (FASTER's commit cookie) so the two can never
/// disagree: the table topic's next offset per partition, plus the row count and content hash that recovery checks.
/// </summary>
public sealed record TableCheckpoint(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("offsets")] Dictionary<int, long> NextOffsets,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("hash")] ulong ContentHash)
{
    [JsonPropertyName("v")]
    public int Version { get; init; } = 1;

    /// <summary>
    /// True when every row was written once and none deleted, so the log holds one record per key and no tombstones:
    /// recovery can then verify the rows in one pass. Absent in older checkpoints (false: the general scan).
    /// </summary>
    [JsonPropertyName("once")]
    public bool FirstWritesOnly { get; init; }

    // Source-generated (TableCheckpointJson): the reflection serializer's first use cost ~90 ms of a start, which
    // checkpoints and recovers one of these.
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, TableCheckpointJson.Default.TableCheckpoint);

    /// <summary>Null when the bytes are not a checkpoint this version wrote.</summary>
    public static TableCheckpoint? FromBytes(byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0) return null;
        try
        {
            var c = JsonSerializer.Deserialize(bytes, TableCheckpointJson.Default.TableCheckpoint);
            return c is { Version: 1, Topic: not null, NextOffsets: not null } ? c : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(TableCheckpoint))]
internal sealed partial class TableCheckpointJson : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcapWatch.Benchmarks;

// The Streamiz comparison's types: one POCO per message kind, read and written by System.Text.Json, as a typical
// Streamiz application is written. A packet may be any of the three shapes, so the packet POCO names both spellings.

internal sealed class AnyShapePacket
{
    [JsonPropertyName("_source")] public AnyShapeSource? Source { get; set; }
    [JsonPropertyName("layers")] public EkLayers? EkLayers { get; set; }

    /// <summary>The join key: eth.src in whichever spelling the record uses.</summary>
    public string? EthSrc() => Source?.Layers?.Eth is { } eth ? eth.Src ?? eth.DottedSrc : EkEth("eth_eth_src");

    public string? EkEth(string field)
    {
        if (EkLayers is null) return null;
        var eth = EkLayers.Eth;
        if (eth.ValueKind == JsonValueKind.Array && eth.GetArrayLength() > 0) eth = eth[0];
        return eth.ValueKind == JsonValueKind.Object && eth.TryGetProperty(field, out var v) ? v.ToString() : null;
    }
}

internal sealed class AnyShapeSource
{
    [JsonPropertyName("layers")] public AnyShapeLayers? Layers { get; set; }
}

internal sealed class AnyShapeLayers
{
    [JsonPropertyName("frame")] public AnyShapeFrame? Frame { get; set; }
    [JsonPropertyName("eth")] public AnyShapeEth? Eth { get; set; }
    [JsonPropertyName("ip")] public AnyShapeIp? Ip { get; set; }
}

internal sealed class AnyShapeFrame
{
    [JsonPropertyName("time")] public string? Time { get; set; }
    [JsonPropertyName("len")] public string? Len { get; set; }
    [JsonPropertyName("protocols")] public string? Protocols { get; set; }
    [JsonPropertyName("frame.time")] public string? DottedTime { get; set; }
    [JsonPropertyName("frame.len")] public string? DottedLen { get; set; }
    [JsonPropertyName("frame.protocols")] public string? DottedProtocols { get; set; }
}

internal sealed class AnyShapeEth
{
    [JsonPropertyName("src")] public string? Src { get; set; }
    [JsonPropertyName("dst")] public string? Dst { get; set; }
    [JsonPropertyName("eth.src")] public string? DottedSrc { get; set; }
    [JsonPropertyName("eth.dst")] public string? DottedDst { get; set; }
}

internal sealed class AnyShapeIp
{
    [JsonPropertyName("src")] public string? Src { get; set; }
    [JsonPropertyName("dst")] public string? Dst { get; set; }
    [JsonPropertyName("proto")] public string? Proto { get; set; }
    [JsonPropertyName("ip.src")] public string? DottedSrc { get; set; }
    [JsonPropertyName("ip.dst")] public string? DottedDst { get; set; }
    [JsonPropertyName("ip.proto")] public string? DottedProto { get; set; }
}

/// <summary>A COMP_WATCH_BY_MACADDR row, as PcapWatch's changelog writes it.</summary>
internal sealed class WatchedComputerRow
{
    [JsonPropertyName("EMP_ID")] public string? EmpId { get; set; }
    [JsonPropertyName("EMP_NAME")] public string? EmpName { get; set; }
    [JsonPropertyName("EMP_KEY")] public string? EmpKey { get; set; }
    [JsonPropertyName("MACADDR")] public string? MacAddr { get; set; }
    [JsonPropertyName("COMP_ID")] public string? CompId { get; set; }
}

/// <summary>The recipe's output row.</summary>
internal sealed class TrafficRow
{
    public string? P_FRAME_TIME { get; set; }
    public string? P_FRAME_LEN { get; set; }
    public string? P_FRAME_PROTOCOLS { get; set; }
    public string? P_ETH_SRC { get; set; }
    public string? P_ETH_DST { get; set; }
    public string? P_IP_SRC { get; set; }
    public string? P_IP_DST { get; set; }
    public string? P_IP_PROTO { get; set; }
    public string? C_EMP_ID { get; set; }
    public string? C_EMP_NAME { get; set; }
    public string? C_EMP_KEY { get; set; }
    public string? C_MACADDR { get; set; }

    public static TrafficRow Of(AnyShapePacket p, WatchedComputerRow c)
    {
        var l = p.Source?.Layers;
        return new TrafficRow
        {
            P_FRAME_TIME = l?.Frame?.Time ?? l?.Frame?.DottedTime ?? p.EkLayers?.Frame?.Time,
            P_FRAME_LEN = l?.Frame?.Len ?? l?.Frame?.DottedLen ?? p.EkLayers?.Frame?.Len,
            P_FRAME_PROTOCOLS = l?.Frame?.Protocols ?? l?.Frame?.DottedProtocols ?? p.EkLayers?.Frame?.Protocols,
            P_ETH_SRC = p.EthSrc(),
            P_ETH_DST = l?.Eth?.Dst ?? l?.Eth?.DottedDst ?? p.EkEth("eth_eth_dst"),
            P_IP_SRC = l?.Ip?.Src ?? l?.Ip?.DottedSrc ?? p.EkLayers?.Ip?.Src.ToString(),
            P_IP_DST = l?.Ip?.Dst ?? l?.Ip?.DottedDst ?? p.EkLayers?.Ip?.Dst.ToString(),
            P_IP_PROTO = l?.Ip?.Proto ?? l?.Ip?.DottedProto ?? p.EkLayers?.Ip?.Proto.ToString(),
            C_EMP_ID = c.EmpId,
            C_EMP_NAME = c.EmpName,
            C_EMP_KEY = c.EmpKey,
            C_MACADDR = c.MacAddr,
        };
    }
}

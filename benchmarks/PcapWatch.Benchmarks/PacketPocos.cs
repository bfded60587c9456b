using System.Text.Json.Serialization;

namespace PcapWatch.Benchmarks;

// The baseline: what a typical .NET consumer writes — JsonSerializer into POCOs that name the fields it needs.




internal sealed class RecipePacket
{
    [JsonPropertyName("_source")] public RecipeSource? Source { get; set; }
}

internal sealed class RecipeSource
{
    [JsonPropertyName("layers")] public RecipeLayers? Layers { get; set; }
}

internal sealed class RecipeLayers
{
    [JsonPropertyName("frame")] public RecipeFrame? Frame { get; set; }
    [JsonPropertyName("eth")] public RecipeEth? Eth { get; set; }
    [JsonPropertyName("ip")] public RecipeIp? Ip { get; set; }
}

internal sealed class RecipeFrame
{
    [JsonPropertyName("time")] public string? Time { get; set; }
    [JsonPropertyName("len")] public string? Len { get; set; }
    [JsonPropertyName("protocols")] public string? Protocols { get; set; }
}

internal sealed class RecipeEth
{
    [JsonPropertyName("src")] public string? Src { get; set; }
    [JsonPropertyName("dst")] public string? Dst { get; set; }
}

internal sealed class RecipeIp
{
    [JsonPropertyName("src")] public string? Src { get; set; }
    [JsonPropertyName("dst")] public string? Dst { get; set; }
    [JsonPropertyName("src_host")] public string? SrcHost { get; set; }
    [JsonPropertyName("dst_host")] public string? DstHost { get; set; }
    [JsonPropertyName("proto")] public string? Proto { get; set; }
}

internal sealed class DottedPacket
{
    [JsonPropertyName("_source")] public DottedSource? Source { get; set; }
}

internal sealed class DottedSource
{
    [JsonPropertyName("layers")] public DottedLayers? Layers { get; set; }
}

internal sealed class DottedLayers
{
    [JsonPropertyName("frame")] public DottedFrame? Frame { get; set; }
    [JsonPropertyName("eth")] public DottedEth? Eth { get; set; }
    [JsonPropertyName("ip")] public DottedIp? Ip { get; set; }
}

internal sealed class DottedFrame
{
    [JsonPropertyName("frame.time")] public string? Time { get; set; }
    [JsonPropertyName("frame.len")] public string? Len { get; set; }
    [JsonPropertyName("frame.protocols")] public string? Protocols { get; set; }
}

internal sealed class DottedEth
{
    [JsonPropertyName("eth.src")] public string? Src { get; set; }
    [JsonPropertyName("eth.dst")] public string? Dst { get; set; }
}

internal sealed class DottedIp
{
    [JsonPropertyName("ip.src")] public string? Src { get; set; }
    [JsonPropertyName("ip.dst")] public string? Dst { get; set; }
    [JsonPropertyName("ip.src_host")] public string? SrcHost { get; set; }
    [JsonPropertyName("ip.dst_host")] public string? DstHost { get; set; }
    [JsonPropertyName("ip.proto")] public string? Proto { get; set; }
}

internal sealed class EkPacket
{
    [JsonPropertyName("layers")] public EkLayers? Layers { get; set; }
}

internal sealed class EkLayers
{
    [JsonPropertyName("frame")] public EkFrame? Frame { get; set; }
    // Two eth layers are an array in -T ek; a POCO cannot take both shapes, so this baseline reads it as JSON.
    [JsonPropertyName("eth")] public System.Text.Json.JsonElement Eth { get; set; }
    [JsonPropertyName("ip")] public EkIp? Ip { get; set; }
}

internal sealed class EkFrame
{
    [JsonPropertyName("frame_frame_time")] public string? Time { get; set; }
    [JsonPropertyName("frame_frame_len")] public string? Len { get; set; }
    [JsonPropertyName("frame_frame_protocols")] public string? Protocols { get; set; }
}

internal sealed class EkIp
{
    [JsonPropertyName("ip_ip_src")] public System.Text.Json.JsonElement Src { get; set; }
    [JsonPropertyName("ip_ip_dst")] public System.Text.Json.JsonElement Dst { get; set; }
    [JsonPropertyName("ip_ip_src_host")] public System.Text.Json.JsonElement SrcHost { get; set; }
    [JsonPropertyName("ip_ip_dst_host")] public System.Text.Json.JsonElement DstHost { get; set; }
    [JsonPropertyName("ip_ip_proto")] public System.Text.Json.JsonElement Proto { get; set; }
}

using System.Text;
using System.Text.Json;
using PcapWatch.Output;

namespace PcapWatch.Tools;

/// <summary>
/// How a person reads the output topic, as the recipe shows it:
/// <c>SELECT C_EMP_NAME, P_FRAME_PROTOCOLS, P_IP_DST FROM WATCHED_EMP_NETWORK_TRAFFIC</c> →
/// <c>Tom Jones | eth:ethertype:ip:udp:bootp | 255.255.255.255</c>, null shown as <c>null</c>; with names on, the
/// name the packet asked for beside the address: <c>Tom Jones | eth:ethertype:ip:tcp:tls | 93.184.215.14 (example.com)</c>.
/// </summary>
public sealed class MatchView
{
    private readonly string? _protocolsLike;
    private readonly bool _json;

    public MatchView(string? protocolsLike, bool json)
    {
        _protocolsLike = protocolsLike;
        _json = json;
    }

    /// <summary>The line to print for one output record, or null when the filter rejects it.</summary>
    public string? Render(ReadOnlySpan<byte> value)
    {
        using var doc = JsonDocument.Parse(value.ToArray());
        var root = doc.RootElement;
        string? protocols = JsonColumns.Text(root, OutputColumns.FrameProtocols);
        if (_protocolsLike is not null && !SqlLike.IsMatch(protocols, _protocolsLike)) return null;
        if (_json) return Encoding.UTF8.GetString(value);
        var name = JsonColumns.Text(root, OutputColumns.EmpName) ?? "null";
        var site = JsonColumns.Text(root, OutputColumns.Name) is { } visited ? $" ({visited})" : "";
        return $"{name} | {protocols ?? "null"} | {JsonColumns.Text(root, OutputColumns.IpDst) ?? "null"}{site}";
    }
}

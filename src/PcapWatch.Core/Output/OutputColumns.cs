using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Output;

/// <summary>
/// Column names of the output topic: ksqlDB's WATCHED_EMP_NETWORK_TRAFFIC (<c>SELECT *</c> of the stream–table join
/// with aliases P and C), so consumers of the recipe's topic read ours unchanged.
/// </summary>
public static class OutputColumns
{
    public const string FrameTime = "P_FRAME_TIME";
    public const string FrameLen = "P_FRAME_LEN";
    public const string FrameProtocols = "P_FRAME_PROTOCOLS";
    public const string EthSrc = "P_ETH_SRC";
    public const string EthDst = "P_ETH_DST";
    public const string IpSrc = "P_IP_SRC";
    public const string IpDst = "P_IP_DST";
    public const string IpSrcHost = "P_IP_SRC_HOST";
    public const string IpDstHost = "P_IP_DST_HOST";
    public const string IpProto = "P_IP_PROTO";
    public const string EmpId = "C_EMP_ID";
    public const string EmpName = "C_EMP_NAME";
    public const string EmpKey = "C_EMP_KEY";
    public const string MacAddr = "C_MACADDR";
    /// <summary>
    /// Only with --match dst|both: <c>out</c> (the watched computer sent it) or <c>in</c> (it received it).
    /// </summary>
    public const string Direction = "DIRECTION";
    /// <summary>
    /// Only with --match …,ip: <c>mac</c> (the side's Ethernet address is watched) or <c>ip</c> (its IP address was
    /// bound to one).
    /// </summary>
    public const string AttributedBy = "ATTRIBUTED_BY";
    /// <summary>
    /// With attribution by IP: true when two or more MACs claimed the side's address at the packet's time.
    /// </summary>
    public const string AttributionContested = "ATTRIBUTION_CONTESTED";

    /// <summary>
    /// Only with --names, after every other column: the name the packet asks for (TLS SNI, HTTP Host, DNS question), or
    /// null.
    /// </summary>
    public const string Name = "P_NAME";
    /// <summary>Only with --names: where <see cref="Name"/> came from (<c>sni</c>, <c>http</c>, <c>dns</c>), or null.</summary>
    public const string NameSource = "P_NAME_SOURCE";

    /// <summary>The P_ columns in <see cref="PacketField"/> order.</summary>
    public static readonly string[] PacketColumns =
        [FrameTime, FrameLen, FrameProtocols, EthSrc, EthDst, IpSrc, IpDst, IpSrcHost, IpDstHost, IpProto];

    internal static readonly JsonEncodedText[] PacketColumnsJson = PacketColumns.Select(c => JsonEncodedText.Encode(c)).ToArray();
    internal static readonly JsonEncodedText EmpIdJson = JsonEncodedText.Encode(EmpId);
    internal static readonly JsonEncodedText EmpNameJson = JsonEncodedText.Encode(EmpName);
    internal static readonly JsonEncodedText EmpKeyJson = JsonEncodedText.Encode(EmpKey);
    internal static readonly JsonEncodedText MacAddrJson = JsonEncodedText.Encode(MacAddr);
    internal static readonly JsonEncodedText DirectionJson = JsonEncodedText.Encode(Direction);
    internal static readonly JsonEncodedText AttributedByJson = JsonEncodedText.Encode(AttributedBy);
    internal static readonly JsonEncodedText AttributionContestedJson = JsonEncodedText.Encode(AttributionContested);
    internal static readonly JsonEncodedText NameJson = JsonEncodedText.Encode(Name);
    internal static readonly JsonEncodedText NameSourceJson = JsonEncodedText.Encode(NameSource);
}

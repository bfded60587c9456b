namespace PcapWatch.Join;

/// <summary>Values of the ATTRIBUTED_BY column (written only when attributing by IP is on).</summary>
internal static class AttributedBy
{
    /// <summary>The side's Ethernet address is a watched computer's.</summary>
    public const string Mac = "mac";
    /// <summary>The side's IP address was bound to a watched computer's MAC at the packet's capture time.</summary>
    public const string Ip = "ip";
}

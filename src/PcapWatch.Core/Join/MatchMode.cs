namespace PcapWatch.Join;

/// <summary>
/// Which side of a packet is attributed, and by what: <c>--match</c>'s comma list. <see cref="Src"/> and
/// <see cref="Dst"/> choose the sides; <see cref="Ip"/> adds attribution by the side's IP address, through the
/// bindings learned from DHCP, ARP and NDP (<see cref="Bindings.IpBindings"/>), for traffic seen behind a router.
/// </summary>
[Flags]
public enum MatchMode
{
    /// <summary>
    /// eth.src only: traffic a watched computer sends (the recipe's join). Records carry no DIRECTION.
    /// </summary>
    Src = 1,
    /// <summary>eth.dst only: traffic sent to a watched computer. Records carry <c>DIRECTION: "in"</c>.</summary>
    Dst = 2,
    /// <summary>
    /// Both; a record per side that matches, with <c>DIRECTION</c> <c>"out"</c> (eth.src) or <c>"in"</c> (eth.dst).
    /// </summary>
    Both = Src | Dst,
    /// <summary>
    /// Also by IP: a side whose MAC is not watched is attributed when its IP address (ip.src/ipv6.src, ip.dst/ipv6.dst)
    /// was bound to a watched MAC at the packet's capture time. Records carry DIRECTION and ATTRIBUTED_BY (mac or ip).
    /// </summary>
    Ip = 4,
}

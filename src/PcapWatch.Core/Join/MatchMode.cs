namespace PcapWatch.Join;

/// <summary>Which Ethernet address of a packet is looked up in the index.</summary>
public enum MatchMode
{
    /// <summary>eth.src only: traffic a watched computer sends (the recipe's join). Records carry no DIRECTION.</summary>
    Src,
    /// <summary>eth.dst only: traffic sent to a watched computer. Records carry <c>DIRECTION: "in"</c>.</summary>
    Dst,
    /// <summary>Both; a record per side that matches, with <c>DIRECTION</c> <c>"out"</c> (eth.src) or <c>"in"</c> (eth.dst).</summary>
    Both,
}

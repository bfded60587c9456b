namespace PcapWatch.Service;

/// <summary>Which owner a packet is attributed to.</summary>
public enum Attribution
{
    /// <summary>Whoever owns the MAC when the packet is processed (ksqlDB's and the recipe's join).</summary>
    Latest,
    /// <summary>Whoever owned the MAC when the packet was captured (a versioned-table join, as KIP-914).</summary>
    CaptureTime,
}

namespace PcapWatch.Flows;

/// <summary>Why a flow record was written (its <c>END_REASON</c>).</summary>
public enum FlowEnd : byte
{
    /// <summary>TCP: both FINs, and the ACK of the last (or the linger after it).</summary>
    Fin,
    /// <summary>TCP: a reset.</summary>
    Rst,
    /// <summary>No packet for the protocol's idle timeout.</summary>
    Idle,
    /// <summary>Still open: an interim record with the totals so far.</summary>
    Active,
    /// <summary>Attributing at capture time, the host's owner changed during the flow.</summary>
    OwnerChange,
    /// <summary>Too many flows were open; this one had been idle longest.</summary>
    Evicted,
    /// <summary>The input ended (demo) with the flow still open.</summary>
    End,
}

public static class FlowEnds
{
    public static string Text(this FlowEnd end) => end switch
    {
        FlowEnd.Fin => "fin",
        FlowEnd.Rst => "rst",
        FlowEnd.Idle => "idle",
        FlowEnd.Active => "active",
        FlowEnd.OwnerChange => "owner-change",
        FlowEnd.Evicted => "evicted",
        _ => "end",
    };
}

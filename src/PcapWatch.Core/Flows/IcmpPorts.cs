namespace PcapWatch.Flows;

/// <summary>
/// ICMP messages that have a counterpart (echo and its reply, solicitations and advertisements, …), as the Community ID
/// spec (after Zeek's ICMP analyzer) pairs them: a message and its counterpart belong to one flow.
/// </summary>
internal static class IcmpPorts
{
    /// <summary>The counterpart's type, or null for a one-way message (its code stands in the port).</summary>
    public static ushort? Counterpart(byte protocol, byte type)
    {
        int counterpart = protocol == Transport.Icmp
            ? type switch { 8 => 0, 0 => 8, 13 => 14, 14 => 13, 15 => 16, 16 => 15, 10 => 9, 9 => 10, 17 => 18, 18 => 17, _ => -1 }
            : type switch
            {
                128 => 129,
                129 => 128,
                133 => 134,
                134 => 133,
                135 => 136,
                136 => 135,
                130 => 131,
                131 => 130,
                139 => 140,
                140 => 139,
                144 => 145,
                145 => 144,
                _ => -1,
            };
        return counterpart < 0 ? null : (ushort)counterpart;
    }
}

namespace PcapWatch.Packets;

/// <summary>Where a packet's name came from: the output's <c>P_NAME_SOURCE</c>.</summary>
public enum NameSource : byte
{
    /// <summary>Names are off: the output has no name columns (the recipe's exact shape).</summary>
    Off,

    /// <summary>Names are on and the packet carries none.</summary>
    None,

    /// <summary>A TLS or QUIC ClientHello's server name.</summary>
    Sni,

    /// <summary>An HTTP request's <c>Host</c>, or HTTP/2's <c>:authority</c>.</summary>
    Http,

    /// <summary>A DNS, mDNS or LLMNR message's first question.</summary>
    Dns,

    /// <summary>Passive DNS: the remote address was given this name in an answer to this very host.</summary>
    DnsAnswer,

    /// <summary>Passive DNS: only another client was told this name for the remote address.</summary>
    DnsAnswerSeen,
}

/// <summary>The name a packet asks for, as people write it (lower case, no trailing dot, no port), and its source.</summary>
public readonly record struct PacketName(NameSource Source, string? Name)
{
    public static PacketName Unnamed { get; } = new(NameSource.None, null);

    /// <summary>
    /// <c>sni</c>, <c>http</c>, <c>dns</c>, <c>dns-answer</c>, <c>dns-answer-seen</c>; null when there is no name (or names
    /// are off).
    /// </summary>
    public string? SourceText => Source switch
    {
        NameSource.Sni => "sni",
        NameSource.Http => "http",
        NameSource.Dns => "dns",
        NameSource.DnsAnswer => "dns-answer",
        NameSource.DnsAnswerSeen => "dns-answer-seen",
        _ => null,
    };
}

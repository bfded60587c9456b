using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PcapWatch.Bindings;

/// <summary>
/// What stands between a packet's statement and the bindings: a statement that breaks a rule of who may make it
/// (<see cref="EvidenceFlaw"/>), or a DHCP ACK from a server that is not a known one (<see cref="KnownDhcpServers"/>),
/// is counted and not believed; the rest is learned. Rogue servers are logged once each, conflicts and forgeries at
/// most <see cref="LogsPerMinute"/> a minute (a flood must not become a log flood); every one is counted. Owned by the
/// pipeline thread.
/// </summary>
public sealed class EvidenceGate(IpBindings bindings, KnownDhcpServers servers, ILogger log)
{
    public const int LogsPerMinute = 20;
    private const int MaxRogueServersNamed = 1_024;

    // The rogue servers named so far (the unspecified address stands for "no identifier").
    private readonly HashSet<Packets.IpAddressKey> _rogueServers = [];
    private readonly long[] _forged = new long[4];
    private long _logMinute;
    private int _logsThisMinute;

    public EvidenceGate(IpBindings bindings) : this(bindings, new KnownDhcpServers(), NullLogger.Instance)
    {
    }

    public IpBindings Bindings => bindings;

    /// <summary>Statements that broke a rule of who may make them, by the rule.</summary>
    public long Forged(EvidenceFlaw flaw) => _forged[(int)flaw];

    /// <summary>DHCP ACKs from servers that are not known ones.</summary>
    public long RogueServerAcks { get; private set; }

    /// <summary>RELEASEs learned (each ends only the claim of the MAC it names).</summary>
    public long Releases { get; private set; }

    /// <summary>Learns <paramref name="evidence"/> made at <paramref name="atMs"/> when it may be believed.</summary>
    public LearnResult Learn(in BindingEvidence evidence, long atMs)
    {
        if (evidence.Flaw != EvidenceFlaw.None)
        {
            _forged[(int)evidence.Flaw]++;
            if (log.IsEnabled(LogLevel.Warning) && MayLog()) log.LogWarning("Forged binding statement not believed "
                + "({Rule}): {Mac} for {Address}, frame from {FrameSender}",
                BindingEvidence.Describe(evidence.Flaw), evidence.Mac, evidence.Address, evidence.FrameSender);
            return new LearnResult(LearnOutcome.Forged, default);
        }
        if (evidence.Source == BindingSource.DhcpAck && !servers.Believes(evidence))
        {
            RogueServerAcks++;
            if (_rogueServers.Count < MaxRogueServersNamed && _rogueServers.Add(evidence.ServerId ?? default) && log.IsEnabled(LogLevel.Warning))
            {
                log.LogWarning("Rogue DHCP server: an ACK naming {Server}, sent by {FrameSender}, granted {Address} to {Mac}; not believed, nor any "
                    + "later ACK naming it (DhcpServers lists the known servers)", evidence.ServerId?.ToString() ?? "no server identifier",
                    evidence.FrameSender, evidence.Address, evidence.Mac);
            }
            return new LearnResult(LearnOutcome.RogueServer, default);
        }
        if (evidence.Source == BindingSource.DhcpRelease) Releases++;
        var result = bindings.Learn(evidence, atMs);
        if (result.ConflictWith is { } rival && log.IsEnabled(LogLevel.Warning) && MayLog())
        {
            log.LogWarning("Conflict: {Address} claimed by {Mac} ({Source}) at {At} while {Rival} holds it; contested for the overlap",
                evidence.Address, evidence.Mac, BindingEvidence.Describe(evidence.Source), UnixTime.ToDateTimeOffset(atMs), rival);
        }
        return result;
    }

    private bool MayLog()
    {
        long minute = Environment.TickCount64 / 60_000;
        if (minute != _logMinute)
        {
            _logMinute = minute;
            _logsThisMinute = 0;
        }
        return ++_logsThisMinute <= LogsPerMinute;
    }
}

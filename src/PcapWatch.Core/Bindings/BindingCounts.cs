namespace PcapWatch.Bindings;

/// <summary>
/// What an instance's bindings refused, contested, evicted and clamped: a copy the metrics and the stop report read.
/// </summary>
public sealed record BindingCounts
{
    public IReadOnlyDictionary<string, long> Refused { get; init; } = new Dictionary<string, long>();
    public long Conflicts { get; init; }
    public long Releases { get; init; }
    public long Evicted { get; init; }
    public long FlaggedMacs { get; init; }
    public long TimesClamped { get; init; }
    public long Addresses { get; init; }

    /// <summary>The counts now (on the thread that owns the gate).</summary>
    public static BindingCounts Of(EvidenceGate gate)
    {
        var bindings = gate.Bindings;
        var refused = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["rogue_dhcp_server"] = gate.RogueServerAcks,
            ["over_claims_per_minute"] = bindings.RefusedOverRate,
        };
        foreach (var flaw in new[] { EvidenceFlaw.SenderMismatch, EvidenceFlaw.NotFromServerPort, EvidenceFlaw.NotToServerPort })
        {
            refused[BindingEvidence.Describe(flaw)] = gate.Forged(flaw);
        }
        return new BindingCounts
        {
            Refused = refused, Conflicts = bindings.Conflicts, Releases = gate.Releases, Evicted = bindings.Evicted,
            FlaggedMacs = bindings.FlaggedMacs, TimesClamped = bindings.Ceiling.Clamped, Addresses = bindings.AddressCount,
        };
    }
}

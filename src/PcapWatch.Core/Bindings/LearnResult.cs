using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>What learning one statement did to the bindings.</summary>
public enum LearnOutcome : byte
{
    /// <summary>
    /// Nothing any answer depends on changed (the statement was known, or released in its own millisecond).
    /// </summary>
    Known,
    /// <summary>A new claim: a MAC that did not claim the address then does now.</summary>
    Added,
    /// <summary>A claim begins earlier or runs far longer than other instances were last told.</summary>
    Extended,
    /// <summary>A restatement that moved a claim's end a little (kept here, not published).</summary>
    Restated,
    /// <summary>A RELEASE ended its MAC's claim.</summary>
    Released,
    /// <summary>Not believed: its MAC claimed more addresses in a minute than a computer does.</summary>
    OverRate,
    /// <summary>Not believed: it breaks a rule of who may make it (<see cref="EvidenceFlaw"/>).</summary>
    Forged,
    /// <summary>Not believed: a DHCP ACK from a server that is not a known one.</summary>
    RogueServer,
}

/// <param name="Interval">The interval made or changed (for <see cref="LearnOutcome.Released"/>, the one cut).</param>
/// <param name="ConflictWith">Another MAC whose running claim this one met for the first time (said once per
/// interval).</param>
public readonly record struct LearnResult(LearnOutcome Outcome, IpBindings.Interval Interval, MacAddress? ConflictWith = null)
{
    /// <summary>Whether other instances need to hear of it.</summary>
    public bool ShouldPublish => Outcome is LearnOutcome.Added or LearnOutcome.Extended or LearnOutcome.Released;
}

using NUnit.Framework;
using PcapWatch.Service;

namespace PcapWatch.Tests.Service;

/// <summary>The coordinator's order: output settled before anything moves, and at a stop the commit before the checkpoint.</summary>
public class CommitCoordinatorTests
{
    [Test]
    public void At_a_stop_the_tables_are_checkpointed_only_after_the_packets_were_committed()
    {
        var rig = new LoopRig();
        rig.Tables.Changed = true;
        int attempts = 0;
        rig.Packets.Commits = () => ++attempts == 3; // refused twice (a broker that comes back), then through
        rig.Journal.Clear();
        Assert.That(rig.Commits.CommitThenCheckpoint(rig.Packets, DateTime.UtcNow.AddMinutes(1)), Is.EqualTo(StopCommit.Committed));
        Assert.That(rig.Journal, Is.EqualTo(new[] { "packets.commit refused", "packets.commit refused", "packets.commit ok", "tables.checkpoint" }));
    }

    [Test]
    public void At_a_stop_nothing_is_checkpointed_when_the_commit_never_went_through()
    {
        var rig = new LoopRig();
        rig.Tables.Changed = true;
        rig.Packets.Commits = () => false;
        rig.Journal.Clear();
        Assert.That(rig.Commits.CommitThenCheckpoint(rig.Packets, DateTime.UtcNow.AddMilliseconds(50)), Is.EqualTo(StopCommit.TimedOut));
        Assert.That(rig.Journal, Has.None.EqualTo("tables.checkpoint"));
        Assert.That(rig.Journal, Has.Some.EqualTo("packets.commit refused"));
    }

    /// <summary>
    /// A commit refused because the group is rebalancing cannot go through before the member rejoins, which a stopping
    /// member does not: the stop gives up at once instead of spinning until its deadline (seen: 262,000 refusals in
    /// 30 s while the other members waited for this one).
    /// </summary>
    [Test]
    public void At_a_stop_a_commit_refused_for_a_rebalance_is_not_retried()
    {
        var rig = new LoopRig();
        rig.Tables.Changed = true;
        rig.Packets.Commits = () => false;
        rig.Packets.CommitAwaitsRejoin = true;
        rig.Journal.Clear();
        Assert.That(rig.Commits.CommitThenCheckpoint(rig.Packets, DateTime.UtcNow.AddMinutes(1)), Is.EqualTo(StopCommit.RefusedByRebalance));
        Assert.That(rig.Journal, Is.EqualTo(new[] { "packets.commit refused" }), "one attempt, and no checkpoint");
    }

    [Test]
    public void A_stop_with_nothing_changed_writes_no_checkpoint()
    {
        var rig = new LoopRig();
        rig.Journal.Clear();
        Assert.That(rig.Commits.CommitThenCheckpoint(rig.Packets, DateTime.UtcNow.AddMinutes(1)), Is.EqualTo(StopCommit.Committed));
        Assert.That(rig.Journal, Is.EqualTo(new[] { "packets.commit ok" }));
    }

    [Test]
    public void Settling_with_refusals_is_not_settled_until_what_was_produced_again_is_acknowledged()
    {
        var rig = new LoopRig();
        rig.Output.Refused.Add(FakeDeliveries.RefusedOn("WATCHED_EMP_NETWORK_TRAFFIC"));
        Assert.That(rig.Commits.Settle(TimeSpan.FromSeconds(1), CancellationToken.None, out bool acknowledged), Is.False);
        Assert.That(acknowledged, Is.True, "the broker answered: it refused");
        Assert.That(rig.Commits.Settle(TimeSpan.FromSeconds(1), CancellationToken.None, out _), Is.True);
        Assert.That(rig.Commits.TakeReconcileRequest(), Is.False, "a match refused asks no reconcile");
    }
}

using NUnit.Framework;

namespace PcapWatch.Tests.Service;

/// <summary>
/// The loop's phases over fakes of what it drives: their order, when a batch waits for packets, when it commits and
/// checkpoints, and how a refused changelog record is made good. The Kafka-backed parts are covered by the process and
/// service tests; here the loop's own rules are.
/// </summary>
public class PipelineLoopTests
{
    [Test]
    public void A_pass_runs_its_phases_in_order()
    {
        var rig = new LoopRig();
        rig.Packets.NewestCaptureMs = 1234;
        rig.Time.Advance(TimeSpan.FromSeconds(31)); // everything is due
        Assert.That(rig.Pass(), Is.EqualTo(new[]
        {
            "changelog.step",
            "tables.poll decided=1234", // a table change valid before the packets already decided is late
            "bindings.poll",
            "packets.batch wait=100",
            // the tables as loaded (nothing changed: no checkpoint written, the state on disk is current anyway); the
            // periodic checkpoint's interval starts from it
            "output.settle", "report.on-disk-current",
            "packets.commit ok",
            "report.refresh",
            "report.status", "report.health",
        }));
    }

    [Test]
    public void A_batch_does_not_wait_for_packets_when_table_changes_or_bindings_came()
    {
        var rig = new LoopRig();
        rig.Tables.Changes.Enqueue(3);
        Assert.That(rig.Pass(), Does.Contain("packets.batch wait=0"));
        Assert.That(rig.Pass(), Does.Contain("packets.batch wait=100"), "no change: the batch waits for packets");
        rig.Bindings.Records = 2;
        Assert.That(rig.Pass(), Does.Contain("packets.batch wait=0"));
    }

    [Test]
    public void Offsets_are_committed_once_per_commit_interval()
    {
        var rig = new LoopRig(commitInterval: TimeSpan.FromSeconds(2));
        Assert.That(rig.Pass(), Has.None.StartsWith("packets.commit"));
        rig.Time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.That(rig.Pass(), Has.None.StartsWith("packets.commit"));
        rig.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.That(rig.Pass(), Has.One.EqualTo("packets.commit ok"));
        Assert.That(rig.Pass(), Has.None.StartsWith("packets.commit"), "the interval starts again after a commit");
    }

    [Test]
    public void A_commit_that_did_not_go_through_is_tried_again_at_the_next_interval_not_sooner()
    {
        var rig = new LoopRig();
        rig.Packets.Commits = () => false;
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(rig.Pass(), Has.One.EqualTo("packets.commit refused"));
        Assert.That(rig.Pass(), Has.None.StartsWith("packets.commit"));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(rig.Pass(), Has.One.StartsWith("packets.commit"));
    }

    [Test]
    public void The_loaded_tables_are_checkpointed_after_the_first_packets_and_then_only_at_the_checkpoint_interval()
    {
        var rig = new LoopRig(checkpointInterval: TimeSpan.FromSeconds(30));
        rig.Tables.Changed = true; // the load
        Assert.That(rig.Pass(), Has.None.EqualTo("tables.checkpoint"), "no packet yet and under a second: packets first");
        rig.Packets.Batches.Enqueue(10);
        var first = rig.Pass();
        Assert.That(first, Has.One.EqualTo("tables.checkpoint"));
        Assert.That(first.IndexOf("tables.checkpoint"), Is.LessThan(first.IndexOf("report.on-disk-current")));

        rig.Tables.Changes.Enqueue(1);
        rig.Packets.Batches.Enqueue(10);
        Assert.That(rig.Pass(), Has.None.EqualTo("tables.checkpoint"), "a change waits for the interval");
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(rig.Pass(), Has.One.EqualTo("tables.checkpoint"));
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(rig.Pass(), Has.None.EqualTo("tables.checkpoint"), "nothing changed since: nothing written");
    }

    [Test]
    public void Without_packets_the_loaded_tables_are_checkpointed_a_second_after_the_loop_began()
    {
        var rig = new LoopRig();
        rig.Tables.Changed = true;
        rig.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.That(rig.Pass(), Has.None.EqualTo("tables.checkpoint"));
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(rig.Pass(), Has.One.EqualTo("tables.checkpoint"));
    }

    [Test]
    public void Tables_are_not_checkpointed_past_output_the_broker_has_not_acknowledged()
    {
        var rig = new LoopRig();
        rig.Tables.Changed = true;
        rig.Output.Acknowledged = false;
        rig.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(rig.Pass(), Has.None.EqualTo("tables.checkpoint"));
        rig.Output.Acknowledged = true;
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(rig.Pass(), Has.One.EqualTo("tables.checkpoint"), "the change waited, it was not forgotten");
    }

    [Test]
    public void A_refused_changelog_record_is_reconciled_after_the_commit_and_a_refused_match_is_produced_again()
    {
        var rig = new LoopRig();
        rig.Output.Refused.Add(FakeDeliveries.RefusedOn(LoopRig.Changelog));
        rig.Output.Refused.Add(FakeDeliveries.RefusedOn("WATCHED_EMP_NETWORK_TRAFFIC"));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        var pass = rig.Pass();
        Assert.That(rig.Output.ProducedAgain, Is.EqualTo(new[] { "WATCHED_EMP_NETWORK_TRAFFIC" }),
            "a changelog record is never re-sent: an old value could overwrite a newer one for its MAC");
        Assert.That(pass, Has.One.EqualTo("changelog.again"));
        Assert.That(pass.IndexOf("changelog.again"), Is.GreaterThan(pass.IndexOf("output.produce WATCHED_EMP_NETWORK_TRAFFIC")));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(rig.Pass(), Has.None.EqualTo("changelog.again"), "one reconcile per refusal");
    }
}

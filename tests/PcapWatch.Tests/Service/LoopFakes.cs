using Confluent.Kafka;
using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.Tests.Service;

/// <summary>
/// Stand-ins for what the loop drives, each writing what it was asked into one shared journal, so a test reads the
/// order of the phases. What they answer is set by the test.
/// </summary>
internal sealed class Journal : List<string>;

internal sealed class FakeTables(Journal journal) : ITableFeed
{
    public Queue<int> Changes { get; } = new();
    public bool Changed { get; set; }
    public bool IsCurrent => true;

    public int Poll(TimeSpan wait, int max, long decidedUpToMs)
    {
        journal.Add($"tables.poll decided={decidedUpToMs}");
        int n = Changes.TryDequeue(out int c) ? c : 0;
        Changed |= n > 0;
        return n;
    }

    public bool TakeChanged()
    {
        bool changed = Changed;
        Changed = false;
        return changed;
    }
}

internal sealed class FakeBindings(Journal journal) : IBindingsFeed
{
    public int Records { get; set; }
    public bool IsCurrent => true;
    public long Late => 0;

    public int Poll(TimeSpan wait, int max, long decidedUpToMs)
    {
        journal.Add("bindings.poll");
        return Records;
    }
}

internal sealed class FakePackets(Journal journal) : IPacketStage
{
    public Queue<int> Batches { get; } = new();
    public Func<bool> Commits { get; set; } = () => true;
    public long NewestCaptureMs { get; set; }
    public long? LastBatchTimestampMs => null;
    public TimeSpan FlushBudget => TimeSpan.FromSeconds(10);
    public bool CommitAwaitsRejoin { get; set; }

    public int ProcessBatch(TimeSpan wait, int max)
    {
        journal.Add($"packets.batch wait={wait.TotalMilliseconds}");
        return Batches.TryDequeue(out int n) ? n : 0;
    }

    public bool FlushAndCommit(TimeSpan budget, CancellationToken cancel)
    {
        bool committed = Commits();
        journal.Add($"packets.commit {(committed ? "ok" : "refused")}");
        return committed;
    }

    public void StopBy(DateTime deadline) => journal.Add("packets.stop-by");
}

/// <summary>Output in flight: settled or not as the test says; refusals handed over once.</summary>
internal sealed class FakeDeliveries(Journal journal) : IOutputDeliveries
{
    public bool Acknowledged { get; set; } = true;
    public List<FailedDelivery> Refused { get; } = [];
    public List<string> ProducedAgain { get; } = [];
    public long InFlight => Acknowledged ? 0 : 1;

    public bool Settle(TimeSpan budget, CancellationToken cancel, Action<IReadOnlyList<FailedDelivery>> redeliver, out bool acknowledged)
    {
        journal.Add("output.settle");
        acknowledged = Acknowledged;
        if (!Acknowledged) return false;
        if (Refused.Count == 0) return true;
        var failed = Refused.ToList();
        Refused.Clear();
        redeliver(failed);
        return false;
    }

    public void Produce(string topic, Message<byte[], byte[]?> message)
    {
        journal.Add($"output.produce {topic}");
        ProducedAgain.Add(topic);
    }

    public static FailedDelivery RefusedOn(string topic) =>
        new(topic, new Message<byte[], byte[]?> { Key = [1], Value = [2] }, new Error(ErrorCode.TopicAuthorizationFailed));
}

internal sealed class FakeCheckpoints(Journal journal) : ITableCheckpoints
{
    public void Checkpoint() => journal.Add("tables.checkpoint");
}

internal sealed class FakeChangelog(Journal journal) : IChangelogReconcile
{
    public bool Reconciling { get; set; }
    public void Begin(CancellationToken stop) => journal.Add("changelog.begin");
    public void StepIfRead() => journal.Add("changelog.step");
    public void Again(CancellationToken stop) => journal.Add("changelog.again");
    public bool Finish(CancellationToken giveUp) => true;
}

internal sealed class FakeReporting(Journal journal) : ILoopReporting
{
    public void OnTablesPolled(int changes) { }
    public void OnBindingsPolled(int records, long late) { }
    public void OnPacketsPolled(int packets, long? lastWrittenMs) { }
    public void OnStateOnDiskCurrent() => journal.Add("report.on-disk-current");
    public void Refresh() => journal.Add("report.refresh");
    public void LogStatusIfDue() => journal.Add("report.status");
    public void CheckHealth() => journal.Add("report.health");
}

/// <summary>One loop over fakes, with a clock the test moves.</summary>
internal sealed class LoopRig
{
    public const string Changelog = "COMP_WATCH_BY_MACADDR";
    public Journal Journal { get; } = new();
    public FakeTables Tables { get; }
    public FakeBindings Bindings { get; }
    public FakePackets Packets { get; }
    public FakeDeliveries Output { get; }
    public FakeChangelog ChangelogTopic { get; }
    public CommitCoordinator Commits { get; }
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; } = new();
    public PipelineLoop Loop { get; }

    public LoopRig(TimeSpan? commitInterval = null, TimeSpan? checkpointInterval = null)
    {
        Tables = new FakeTables(Journal);
        Bindings = new FakeBindings(Journal);
        Packets = new FakePackets(Journal);
        Output = new FakeDeliveries(Journal);
        ChangelogTopic = new FakeChangelog(Journal);
        Commits = new CommitCoordinator(Output, Tables, new FakeCheckpoints(Journal), Changelog,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Loop = new PipelineLoop(new LoopParts(Tables, Bindings, Packets, Commits, ChangelogTopic, new FakeReporting(Journal))
        {
            CommitInterval = commitInterval ?? TimeSpan.FromSeconds(1),
            CheckpointInterval = checkpointInterval ?? TimeSpan.FromSeconds(30),
        }, Time);
    }

    /// <summary>One pass; returns what it asked, in order.</summary>
    public List<string> Pass()
    {
        Journal.Clear();
        Loop.RunOnce(CancellationToken.None);
        return [.. Journal];
    }
}

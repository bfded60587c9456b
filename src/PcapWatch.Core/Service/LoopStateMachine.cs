using Microsoft.Extensions.Logging;

namespace PcapWatch.Service;

/// <summary>
/// The instance's state, moved only forward along the phases of a run (a stop may come in any of them, a failure too):
/// a move the run's order does not allow is a bug and throws. Each move is logged and published for the metrics.
/// </summary>
internal sealed class LoopStateMachine(PipelineProgress progress, ILogger log)
{
    public LoopState State { get; private set; } = LoopState.Starting;

    public static bool Allows(LoopState from, LoopState to) => (from, to) switch
    {
        (LoopState.Dead, _) => false,
        (_, LoopState.Dead) => true,
        (LoopState.ShuttingDown, _) => false,
        (_, LoopState.ShuttingDown) => true,
        (LoopState.Starting, LoopState.Restoring) => true,
        (LoopState.Restoring, LoopState.LoadingTables) => true,
        (LoopState.LoadingTables, LoopState.Running) => true,
        _ => false,
    };

    public void MoveTo(LoopState next)
    {
        if (!Allows(State, next)) throw new InvalidOperationException($"the loop cannot go from {State} to {next}");
        log.LogDebug("Loop state {From} → {To}", State, next);
        State = next;
        progress.OnLoopState(next);
    }
}

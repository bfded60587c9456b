namespace PcapWatch.Service;

/// <summary>
/// The published index's side of the loop: its topic brought in line with the index (<see
/// cref="ChangelogReconciler"/>).
/// </summary>
internal interface IChangelogReconcile
{
    /// <summary>Whether a reconcile has begun and not finished.</summary>
    bool Reconciling { get; }

    /// <summary>Starts reading the topic to compare it with the index, without waiting.</summary>
    void Begin(CancellationToken stop);

    /// <summary>Takes a step of a reconcile whose read is done; never waits.</summary>
    void StepIfRead();

    /// <summary>
    /// Reconciles afresh (a record it wrote was refused), waiting for it unless <paramref name="stop"/> fires.
    /// </summary>
    void Again(CancellationToken stop);

    /// <summary>
    /// Finishes a reconcile under way unless <paramref name="giveUp"/> fires first; true when none is under way.
    /// </summary>
    bool Finish(CancellationToken giveUp);
}

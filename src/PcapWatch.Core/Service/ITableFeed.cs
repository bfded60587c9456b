namespace PcapWatch.Service;

/// <summary>
/// The tables' side of the loop: their changes, applied to the stores and the index (<see cref="TableFeed"/>).
/// </summary>
internal interface ITableFeed
{
    /// <summary>True once the tables have been read up to the end offsets they had at start-up.</summary>
    bool IsCurrent { get; }

    /// <summary>Applies up to <paramref name="max"/> changes, waiting at most <paramref name="wait"/> for the
    /// first.</summary>
    /// <param name="decidedUpToMs">The newest capture time packets were decided for: a change valid before it is
    /// late.</param>
    int Poll(TimeSpan wait, int max, long decidedUpToMs);

    /// <summary>
    /// Whether anything was applied since the last call (and resets it): is a checkpoint worth taking?
    /// </summary>
    bool TakeChanged();
}

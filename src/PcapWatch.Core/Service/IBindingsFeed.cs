namespace PcapWatch.Service;

/// <summary>
/// What other instances published — bindings, and what DNS answers named — read into this instance
/// (<see cref="SharedStateFeed"/>).
/// </summary>
internal interface IBindingsFeed
{
    /// <summary>Whether the topic has been read up to where it ended when the instance started.</summary>
    bool IsCurrent { get; }

    /// <summary>Bindings that began before packets this instance had already decided.</summary>
    long Late { get; }

    /// <summary>
    /// Applies up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the first.
    /// </summary>
    int Poll(TimeSpan wait, int max, long decidedUpToMs);
}

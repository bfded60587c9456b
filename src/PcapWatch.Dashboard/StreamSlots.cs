namespace PcapWatch.Dashboard;

/// <summary>
/// The live streams the page serves at once. Each holds a connection, a timer and a filter for as long as a client
/// keeps it open: without a bound, one client opening thousands would hold the page's memory and threads.
/// </summary>
internal sealed class StreamSlots(int capacity)
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    /// <summary>A slot until the lease is disposed (when the response completes), or null when all are taken.</summary>
    public IDisposable? TryTake()
    {
        if (Interlocked.Increment(ref _open) <= capacity) return new Lease(this);
        Interlocked.Decrement(ref _open);
        return null;
    }

    private sealed class Lease(StreamSlots slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Interlocked.Decrement(ref slots._open);
        }
    }
}

using PcapWatch.Ingest;
using PcapWatch.Service;

namespace PcapWatch.Demo;

/// <summary>
/// Paces a producer to a pipeline running beside it, so the embedded broker (which keeps only the newest ~5 MiB of
/// each partition) never drops a record before it was read. A record goes to the pcap partition with the smallest
/// unread backlog; the producer waits while that backlog, or the output topic's unread backlog, is over the window.
/// </summary>
public sealed class BacklogPacer : IPublishPacer
{
    /// <summary>
    /// Per-record overhead in the broker's log beyond the value bytes (record header, batch header share).
    /// </summary>
    private const int RecordOverhead = 96;

    private readonly long[] _producedBytes;
    private readonly long[] _producedRecords;
    private readonly PipelineProgress _progress;
    private readonly Func<long> _outputBacklog;
    private readonly long _window;

    /// <param name="partitions">pcap partition count.</param>
    /// <param name="progress">The pipeline's consumed bytes per partition.</param>
    /// <param name="outputBacklog">Output bytes produced but not yet read by whoever reads them.</param>
    /// <param name="window">Unread bytes allowed per partition; keep it well under the broker's retention.</param>
    public BacklogPacer(int partitions, PipelineProgress progress, Func<long> outputBacklog, long window)
    {
        _producedBytes = new long[partitions];
        _producedRecords = new long[partitions];
        _progress = progress;
        _outputBacklog = outputBacklog;
        _window = window;
    }

    public int WaitForRoom(int bytes, CancellationToken cancel)
    {
        long cost = bytes + RecordOverhead;
        var spin = new SpinWait();
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            int best = 0;
            long bestBacklog = long.MaxValue;
            for (int p = 0; p < _producedBytes.Length; p++)
            {
                // What the broker holds unread for this partition: value bytes plus per-record log overhead.
                long backlog = _producedBytes[p] - _progress.ConsumedBytes(p)
                    + (_producedRecords[p] - _progress.ConsumedRecords(p)) * RecordOverhead;
                if (backlog < bestBacklog)
                {
                    bestBacklog = backlog;
                    best = p;
                }
            }
            // A record bigger than the window still goes through, alone in an empty partition.
            bool fits = bestBacklog + cost <= _window || bestBacklog <= 0;
            if (fits && _outputBacklog() <= _window)
            {
                _producedBytes[best] += bytes;
                _producedRecords[best]++;
                return best;
            }
            if (spin.Count < 20) spin.SpinOnce();
            else Thread.Sleep(1);
        }
    }
}

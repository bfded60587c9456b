namespace PcapWatch.Ingest;

/// <summary>Chooses the partition for the next record and holds the producer back until there is room for it.</summary>
public interface IPublishPacer
{
    /// <summary>Blocks until a record of <paramref name="bytes"/> may be written; returns its partition.</summary>
    int WaitForRoom(int bytes, CancellationToken cancel);
}

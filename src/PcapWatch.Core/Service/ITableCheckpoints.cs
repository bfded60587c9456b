namespace PcapWatch.Service;

/// <summary>
/// Saves the tables' state with the offsets it covers: the stores first, then the history (<see
/// cref="TableCheckpointer"/>).
/// </summary>
internal interface ITableCheckpoints
{
    void Checkpoint();
}

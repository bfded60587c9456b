namespace PcapWatch.FlowStage;

/// <summary>
/// One input partition's flow state as it was when every record before <see cref="NextOffset"/> had been applied and
/// every flow record it made had been acknowledged: what a new owner (after a rebalance, a restart, a crash) continues
/// from. <see cref="State"/> is <see cref="FlowTask.Save"/>'s bytes.
/// </summary>
public sealed record FlowCheckpoint(int Partition, long NextOffset, byte[] State);

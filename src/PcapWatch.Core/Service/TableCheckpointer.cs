using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Persistence;
using PcapWatch.Tables;

namespace PcapWatch.Service;

/// <summary>
/// Saves both table stores with the table offsets they cover, then the attribution history beside them: a crash in
/// between leaves a history that does not cover the stores, and the next start reads the tables again.
/// </summary>
internal sealed class TableCheckpointer(FasterTableStore employees, FasterTableStore computers, TableFeed tables, TopicNames topics,
    OwnershipHistory? history, string historyPath, PipelineMetrics metrics, ILogger log) : ITableCheckpoints
{
    /// <summary>Where the attribution history is saved in a state directory.</summary>
    public static string HistoryPathIn(string stateDir) => Path.Combine(stateDir, "history", "versions.bin");

    public void Checkpoint()
    {
        var clock = Stopwatch.StartNew();
        var employeeOffsets = tables.Positions(topics.Employees);
        var computerOffsets = tables.Positions(topics.Computers);
        employees.Checkpoint(topics.Employees, employeeOffsets);
        computers.Checkpoint(topics.Computers, computerOffsets);
        if (history is not null) SaveHistory(employeeOffsets, computerOffsets);
        metrics.OnCheckpoint();
        log.LogInformation("Checkpointed tables ({EmployeeRows} employees, {ComputerRows} computers{History}) in {Elapsed} ms",
            employees.Count, computers.Count, history is null ? "" : $", {history.VersionCount} versions of history", clock.ElapsedMilliseconds);
    }

    private void SaveHistory(Dictionary<int, long> employeeOffsets, Dictionary<int, long> computerOffsets)
    {
        try
        {
            OwnershipHistoryFile.Write(historyPath, history!, new Dictionary<string, Dictionary<int, long>>
            {
                [topics.Employees] = employeeOffsets,
                [topics.Computers] = computerOffsets,
            });
        }
        catch (Exception ex) when (StorageFaults.IsEnvironment(ex))
        {
            throw StoreUnavailableException.For(Path.GetDirectoryName(historyPath)!, "saving the table history", ex);
        }
    }
}

using System.Text;
using PcapWatch.Index;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Index;

/// <summary>Real FASTER stores in a temporary folder, the maintainer over them, and terse helpers to change rows.</summary>
internal sealed class TableHarness : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pcapwatch-test-" + Guid.NewGuid().ToString("N"));
    private readonly FasterTableStore _employees;
    private readonly FasterTableStore _computers;

    public TableHarness(IWatchIndexObserver? observer = null)
    {
        _employees = FasterTableStore.Create(Path.Combine(_dir, "employees"), 1L << 10);
        _computers = FasterTableStore.Create(Path.Combine(_dir, "computers"), 1L << 10);
        Maintainer = new WatchIndexMaintainer(_employees, _computers, observer);
    }

    public WatchIndexMaintainer Maintainer { get; private set; }
    public WatchIndex Index => Maintainer.Index;

    public void Employee(string key, string? name, string? flag) =>
        Maintainer.Apply(new TableChange<EmployeeRow>(key, new EmployeeRow(key, name, flag)));

    public void DeleteEmployee(string key) => Maintainer.Apply(new TableChange<EmployeeRow>(key, null));

    public void Computer(string rowKey, string? empKey, string? mac, string? compId = null) =>
        Maintainer.Apply(new TableChange<ComputerRow>(rowKey, new ComputerRow(rowKey, compId ?? rowKey, empKey, mac)));

    public void DeleteComputer(string rowKey) => Maintainer.Apply(new TableChange<ComputerRow>(rowKey, null));

    /// <summary>Who a MAC belongs to, as "EMP_NAME/computer row" strings (empty when not watched).</summary>
    public string[] Owners(string mac) =>
        Index.OwnersOf(MacAddress.Parse(mac)).Select(o => $"{o.EmpName}/{o.ComputerRowKey}").ToArray();

    /// <summary>A second maintainer over the same stores, its index rebuilt from them as a restart does.</summary>
    public WatchIndex Rebuilt()
    {
        var maintainer = new WatchIndexMaintainer(_employees, _computers);
        maintainer.RebuildFromStores();
        return maintainer.Index;
    }

    /// <summary>
    /// As <see cref="Rebuilt"/>, with the two stores scanned at the same time on two threads, as the service's restart
    /// does (the rebuild resolves the watched owners once both scans are done).
    /// </summary>
    public WatchIndex RebuiltFromConcurrentScans()
    {
        var rebuild = new IndexRebuild();
        Task.WaitAll(Task.Run(() => _computers.ForEachRow(rebuild.OnComputer)), Task.Run(() => _employees.ForEachRow(rebuild.OnEmployee)));
        var maintainer = new WatchIndexMaintainer(_employees, _computers);
        maintainer.Adopt(rebuild);
        return maintainer.Index;
    }

    /// <summary>Replaces the maintainer with one rebuilt from the stores, as a restart does; later changes go to it.</summary>
    public void Restart()
    {
        Maintainer = new WatchIndexMaintainer(_employees, _computers);
        Maintainer.RebuildFromStores();
    }

    public void Dispose()
    {
        _employees.Dispose();
        _computers.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder
        }
    }
}

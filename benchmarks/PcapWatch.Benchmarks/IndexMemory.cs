using System.Globalization;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Benchmarks;

/// <summary>
/// Managed memory held by the watched-MAC index with N watched MACs (one owner each), measured as the heap growth
/// after full collections: what the probe structure costs per entry, apart from the FASTER stores.
/// </summary>
internal static class IndexMemory
{
    public static int Run(string[] args)
    {
        int entries = args.Length > 1 && args[0] == "--entries" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var index = new WatchIndex();
        for (int i = 0; i < entries; i++)
        {
            var mac = new MacAddress(0x02_0000_000000L + i);
            index.Set(mac, [new WatchedComputer(mac, $"c{i}", $"{i}", $"e{i}", $"Employee {i}", $"e{i}")]);
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long bytes = after - before;
        GC.KeepAlive(index);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT index-memory entries={entries} bytes={bytes} mb={bytes / 1e6:F1} bytes_per_entry={(double)bytes / entries:F0} arena_mb={index.ArenaBytes / 1e6:F1}"));
        return 0;
    }
}

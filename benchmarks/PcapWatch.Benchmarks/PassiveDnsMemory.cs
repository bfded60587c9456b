using System.Globalization;
using PcapWatch.Names;
using PcapWatch.Packets;

namespace PcapWatch.Benchmarks;

/// <summary>
/// Managed memory passive DNS holds per answer: N answers to distinct addresses (one name each), then the same
/// addresses renewed K times (what a resolver's repeated answers to one client cost: each renewal is kept beside the
/// earlier, up to 8 an address), measured as heap growth after full collections. The name strings are not counted: they
/// are one shared string here, as a response's question is shared by its answers.
/// </summary>
internal static class PassiveDnsMemory
{
    public static int Run(string[] args)
    {
        int answers = BenchmarkArgs.Int(args, "--answers", PassiveDns.DefaultMaxAddresses);
        int renewals = BenchmarkArgs.Int(args, "--renewals", 0);
        const string name = "shop.example";
        var client = MacAddress.Parse("02:50:57:00:00:02");
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var dns = new PassiveDns(TimeSpan.FromMinutes(5), maxAddresses: answers);
        for (int round = 0; round <= renewals; round++)
        {
            for (int i = 0; i < answers; i++)
            {
                var response = new DnsResponse(name, [new DnsAnswer(IpAddressKey.FromIPv4((uint)(0x0A00_0000 + i)), 300)]);
                dns.Learn(response, client, seenMs: 1_000_000L + round * 60_000L + i);
            }
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long bytes = after - before;
        GC.KeepAlive(dns);
        long kept = (long)answers * Math.Min(renewals + 1, PassiveDns.MaxNamesPerAddress);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT passive-dns-memory addresses={dns.Addresses} answers_kept={kept} evicted={dns.Evicted} bytes={bytes} mb={bytes / 1e6:F1} "
            + $"bytes_per_address={(double)bytes / answers:F0} bytes_per_answer={(double)bytes / kept:F0}"));
        return 0;
    }
}

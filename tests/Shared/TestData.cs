using NUnit.Framework;

namespace PcapWatch.Tests.Shared;

/// <summary>Finds the project's own fixtures, and the read-only ../shared data when it is beside the clone.</summary>
public static class TestData
{
    /// <summary>The packet captures the project ships (tests/Fixtures, samples).</summary>
    public static readonly string[] OwnPacketFixtures =
        ["netns-lan.json.ndjson", "netns-lan.ek.ndjson", "names-lan.json.ndjson", "names-lan.ek.ndjson", "tcpdump-dhcp-rfc4388.json.ndjson"];

    /// <summary>The packet captures of ../shared, by path below it: every shape, read but never copied.</summary>
    public static readonly string[] SharedPacketSamples =
    [
        "recipe-data/pcap.json",
        "pcap-samples/ndpi-android.json.ndjson.gz",
        "pcap-samples/ndpi-icmp-tunnel.json.ndjson.gz",
        "pcap-samples/ndpi-netbios.json.ndjson.gz",
        "pcap-samples/ndpi-telegram.json.ndjson.gz",
        "pcap-samples/ndpi-webdav.json.ndjson.gz",
        "pcap-samples/tcpreplay-test.json.ndjson.gz",
        "pcap-samples/tcpreplay-test.ek.ndjson.gz",
    ];

    public static string Fixture(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        Assert.That(File.Exists(path), Is.True, $"fixture {name} missing from the build output");
        return path;
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PcapWatch.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("PcapWatch.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A file under ../shared; the test is skipped (with the reason) when it is not there.</summary>
    public static string Shared(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", relative));
        if (!File.Exists(path)) Assert.Ignore($"../shared/{relative} is not present beside this clone; skipped");
        return path;
    }

    /// <summary>Lines of an NDJSON file, gzip or not, as UTF-8 byte arrays (no decoding: bytes stay as tshark wrote them).</summary>
    public static List<byte[]> Lines(string path)
    {
        using var file = File.OpenRead(path);
        Stream input = path.EndsWith(".gz", StringComparison.Ordinal)
            ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress)
            : file;
        using var memory = new MemoryStream();
        input.CopyTo(memory);
        var all = memory.ToArray();
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i <= all.Length; i++)
        {
            if (i == all.Length || all[i] == (byte)'\n')
            {
                if (i > start) lines.Add(all[start..i]);
                start = i + 1;
            }
        }
        return lines;
    }
}

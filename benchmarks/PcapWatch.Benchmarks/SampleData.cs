using System.IO.Compression;
using PcapWatch.Packets;

namespace PcapWatch.Benchmarks;

/// <summary>Packet records per input shape, from the project's fixtures and, when present, ../shared.</summary>
internal static class SampleData
{
    public static string FixturesDir => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>The recipe's packets if ../shared is beside the clone, else recipe-shaped packets made from our capture.</summary>
    public static List<byte[]> Recipe()
    {
        var shared = FindShared("recipe-data/pcap.json");
        return shared is not null ? Lines(shared) : Lines(Path.Combine(FixturesDir, "netns-lan.json.ndjson")).Select(ToRecipeShape).ToList();
    }

    /// <summary>The hot-path benchmarks' batches: recipe, json (tshark -T json) or ek.</summary>
    public static byte[][] OfShape(string shape) => (shape switch
    {
        "recipe" => Recipe(),
        "json" => TsharkJson(),
        _ => TsharkEk(),
    }).ToArray();

    public static List<byte[]> TsharkJson() => Lines(Path.Combine(FixturesDir, "netns-lan.json.ndjson"))
        .Concat(Lines(Path.Combine(FixturesDir, "tcpdump-dhcp-rfc4388.json.ndjson"))).ToList();

    public static List<byte[]> TsharkEk() => Lines(Path.Combine(FixturesDir, "netns-lan.ek.ndjson"));

    public static string? FindShared(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "PcapWatch.sln"))) continue;
            var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", relative));
            return File.Exists(path) ? path : null;
        }
        return null;
    }

    public static List<byte[]> Lines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream input = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(input);
        var lines = new List<byte[]>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length > 0) lines.Add(System.Text.Encoding.UTF8.GetBytes(line));
        }
        return lines;
    }

    /// <summary>tshark 4.x dotted names → the recipe's 2018 plain names (frame.time → time, eth.src → src …).</summary>
    private static byte[] ToRecipeShape(byte[] record)
    {
        var text = System.Text.Encoding.UTF8.GetString(record);
        foreach (var layer in new[] { "frame", "eth", "ip" }) text = text.Replace($"\"{layer}.", "\"");
        return System.Text.Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Copies a record with its (first) eth.src replaced by <paramref name="mac"/> (same length, same shape).</summary>
    public static byte[] WithEthSrc(byte[] template, MacAddress mac)
    {
        var fields = new PacketFields();
        PacketExtractor.Extract(template, ref fields);
        var slice = fields[PacketField.EthSrc];
        if (slice.Kind != FieldSliceKind.String || slice.Length != 17) throw new ArgumentException("template has no plain eth.src");
        var copy = (byte[])template.Clone();
        System.Text.Encoding.ASCII.GetBytes(mac.ToString(), copy.AsSpan(slice.Start, 17));
        return copy;
    }

    /// <summary>
    /// As <see cref="WithEthSrc"/>, and its (first) eth.dst replaced by <paramref name="dst"/> when it is a plain unicast
    /// address (a broadcast or multicast destination stays: it is nobody's computer).
    /// </summary>
    /// <summary>Whether a record's eth.src is a plain 17-character string (what the benchmarks rewrite in place).</summary>
    public static bool HasPlainEthSrc(byte[] record)
    {
        var fields = new PacketFields();
        PacketExtractor.Extract(record, ref fields);
        var s = fields[PacketField.EthSrc];
        return s.Kind == FieldSliceKind.String && s.Length == 17;
    }

    public static byte[] WithEthSrcAndDst(byte[] template, MacAddress src, MacAddress dst)
    {
        var copy = WithEthSrc(template, src);
        var fields = new PacketFields();
        PacketExtractor.Extract(copy, ref fields);
        var slice = fields[PacketField.EthDst];
        if (slice.Kind == FieldSliceKind.String && slice.Length == 17 && fields.EthDst is { IsGroup: false })
        {
            System.Text.Encoding.ASCII.GetBytes(dst.ToString(), copy.AsSpan(slice.Start, 17));
        }
        return copy;
    }
}

using System.Text;
using PcapWatch.Index;

namespace PcapWatch.Persistence;

/// <summary>
/// The ownership history saved beside the table checkpoints, with the table offsets it covers: a restart uses the
/// stores' checkpoints only when they cover the same offsets as this file, so history and tables never disagree (a
/// crash between the two writes makes the tables rebuild from their topics). Written to a temporary file and renamed.
/// </summary>
public sealed class OwnershipHistoryFile
{
    private const uint Magic = 0x31485750; // "PWH1"

    public required Dictionary<string, Dictionary<int, long>> Offsets { get; init; }
    public long HorizonMs { get; init; }
    internal List<(int Table, string Key, RowVersion Version)> Versions { get; init; } = [];

    public static void Write(string path, OwnershipHistory history, Dictionary<string, Dictionary<int, long>> offsets)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Magic);
            w.Write(offsets.Count);
            foreach (var (topic, partitions) in offsets)
            {
                w.Write(topic);
                w.Write(partitions.Count);
                foreach (var (partition, next) in partitions)
                {
                    w.Write(partition);
                    w.Write(next);
                }
            }
            w.Write(history.HorizonMs);
            w.Write(history.VersionCount);
            foreach (var (table, key, version) in history.AllVersions())
            {
                w.Write((byte)table);
                w.Write(key);
                w.Write(version.FromMs);
                w.Write(version.Row?.Length ?? -1);
                if (version.Row is not null) w.Write(version.Row);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The saved history, or null (with the reason) when there is none or it cannot be read.</summary>
    public static OwnershipHistoryFile? TryRead(string path, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            problem = "no table history was saved with it";
            return null;
        }
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (r.ReadUInt32() != Magic)
            {
                problem = "the table history file is not one this version wrote";
                return null;
            }
            var offsets = new Dictionary<string, Dictionary<int, long>>();
            for (int topics = r.ReadInt32(); topics > 0; topics--)
            {
                var topic = r.ReadString();
                var partitions = new Dictionary<int, long>();
                for (int n = r.ReadInt32(); n > 0; n--) partitions[r.ReadInt32()] = r.ReadInt64();
                offsets[topic] = partitions;
            }
            long horizon = r.ReadInt64();
            long count = r.ReadInt64();
            var versions = new List<(int, string, RowVersion)>((int)Math.Min(count, 1 << 20));
            for (long i = 0; i < count; i++)
            {
                int table = r.ReadByte();
                var key = r.ReadString();
                long from = r.ReadInt64();
                int length = r.ReadInt32();
                versions.Add((table, key, new RowVersion(from, length < 0 ? null : r.ReadBytes(length))));
            }
            return new OwnershipHistoryFile { Offsets = offsets, HorizonMs = horizon, Versions = versions };
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or FormatException or UnauthorizedAccessException or ArgumentException)
        {
            problem = $"the table history file cannot be read ({ex.Message})";
            return null;
        }
    }

    /// <summary>Whether this history covers exactly <paramref name="offsets"/> of <paramref name="topic"/>.</summary>
    public bool Covers(string topic, IReadOnlyDictionary<int, long> offsets) =>
        Offsets.TryGetValue(topic, out var saved) && saved.Count == offsets.Count
        && saved.All(e => offsets.TryGetValue(e.Key, out long next) && next == e.Value);

    public void RestoreInto(OwnershipHistory history) => history.Restore(Versions, HorizonMs);
}

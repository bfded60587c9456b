using System.Globalization;

namespace PcapWatch.Tables;

/// <summary>
/// What a store's folder must allow before anything in it is trusted or replaced: every file readable, the folder
/// writable, room for what is about to be written. A store that fails for any other reason is set aside under a new
/// name, never deleted: a person may want it, and a wrong diagnosis must not cost the state.
/// </summary>
public static class StoreDirectory
{
    private const int ProbeBytes = 4096;

    /// <summary>
    /// Throws <see cref="StoreUnavailableException"/> when a file of <paramref name="directory"/> cannot be read or the
    /// folder cannot be written to (a permission, a read-only mount, a full disk); does nothing when it does not exist.
    /// </summary>
    public static void RequireUsable(string directory)
    {
        if (!Directory.Exists(directory)) return;
        try
        {
            Span<byte> one = stackalloc byte[1];
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
                _ = stream.Read(one);
            }
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
            try
            {
                using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1))
                {
                    stream.Write(new byte[ProbeBytes]);
                    stream.Flush(flushToDisk: true);
                }
            }
            finally
            {
                File.Delete(probe);
            }
        }
        catch (Exception ex) when (StorageFaults.IsEnvironment(ex))
        {
            throw StoreUnavailableException.For(directory, "checking that it can be read and written", ex);
        }
    }

    /// <summary>Throws <see cref="StoreUnavailableException"/> unless the file system of <paramref name="directory"/>
    /// has <paramref name="bytes"/> free.</summary>
    public static void RequireSpace(string directory, long bytes, string forWhat)
    {
        long free;
        try
        {
            free = new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return; // the check is a courtesy: the write itself still fails, and is caught, where it cannot be made
        }
        if (free < bytes)
        {
            throw new StoreUnavailableException(
                $"cannot use the state in {directory} ({forWhat}): {free:N0} bytes free on its file system, {bytes:N0} needed; "
                + "nothing was written, and the state on disk is as it was");
        }
    }

    /// <summary>
    /// Moves <paramref name="directory"/> aside as <c>NAME.set-aside-TIME</c> beside it and returns that path (null
    /// when it did not exist or was empty). A folder without a checkpoint holds nothing a store could recover and is
    /// emptied instead.
    /// </summary>
    public static string? SetAside(string directory, bool holdsCheckpoint)
    {
        try
        {
            if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any()) return null;
            if (!holdsCheckpoint)
            {
                Directory.Delete(directory, recursive: true);
                return null;
            }
            var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var target = $"{directory.TrimEnd(Path.DirectorySeparatorChar)}.set-aside-{stamp}";
            for (int n = 2; Directory.Exists(target) || File.Exists(target); n++) target = $"{directory}.set-aside-{stamp}-{n}";
            Directory.Move(directory, target);
            return target;
        }
        catch (Exception ex) when (StorageFaults.IsEnvironment(ex) || ex is IOException)
        {
            throw StoreUnavailableException.For(directory, "setting the old store aside", ex);
        }
    }
}

namespace PcapWatch.Service;

/// <summary>
/// Claims a state dir for the life of an instance. The folder must be PcapWatch's: new, empty, or marked by an earlier
/// run (a marker file), because recovery deletes and recreates the table stores in it — pointed at a folder with a
/// person's files, it would delete them. And it holds an exclusive lock: two instances writing the same FASTER files
/// would corrupt each other. The OS releases the lock when the process dies, so a crash never leaves it locked.
/// </summary>
public sealed class StateDirectoryLock : IDisposable
{
    /// <summary>The file that says "PcapWatch created this folder".</summary>
    public const string MarkerFile = ".pcapwatch-state";

    // What a state dir of a version before the marker held: recognised, and marked, rather than refused.
    private static readonly HashSet<string> EarlierLayout = new(StringComparer.Ordinal) { ".lock", "employees", "computers" };

    private readonly FileStream _lock;

    private StateDirectoryLock(FileStream stream) => _lock = stream;

    public static StateDirectoryLock Acquire(string stateDir)
    {
        try
        {
            Claim(stateDir);
            var path = Path.Combine(stateDir, ".lock");
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(Environment.ProcessId);
            return new StateDirectoryLock(stream);
        }
        catch (Exception ex) when (Tables.StorageFaults.IsEnvironment(ex))
        {
            // A read-only or full file system, a permission: not another instance.
            throw new StateDirectoryException($"state dir '{stateDir}' cannot be written: {Tables.StorageFaults.Describe(ex)}");
        }
        catch (IOException)
        {
            throw new StateDirectoryException(
                $"state dir '{stateDir}' is in use by another PcapWatch instance; give each instance its own state dir");
        }
    }

    private static void Claim(string stateDir)
    {
        var marker = Path.Combine(stateDir, MarkerFile);
        if (File.Exists(marker)) return;
        if (Directory.Exists(stateDir))
        {
            var entries = Directory.EnumerateFileSystemEntries(stateDir).Select(Path.GetFileName).ToList();
            bool earlierPcapWatch = entries.Count > 0 && entries.All(e => EarlierLayout.Contains(e!))
                && entries.Where(e => e != ".lock").All(e => File.Exists(Path.Combine(stateDir, e!, "layout")));
            if (entries.Count > 0 && !earlierPcapWatch)
            {
                throw new StateDirectoryException(
                    $"state dir '{stateDir}' holds files PcapWatch did not create (no {MarkerFile} in it), and PcapWatch deletes what it "
                    + "finds in its state dir; use a new or empty folder");
            }
        }
        PrivateDirectory.Create(stateDir);
        PrivateDirectory.Restrict(stateDir); // an empty folder given to PcapWatch: from now on it holds names
        File.WriteAllText(marker, "This folder holds PcapWatch's table stores; PcapWatch may delete and recreate anything in it.\n");
    }

    public void Dispose() => _lock.Dispose();
}

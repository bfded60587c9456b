namespace PcapWatch.Service;

/// <summary>
/// Holds an exclusive lock on a state dir for the life of an instance. Two instances writing the same FASTER files
/// would corrupt each other, so the second one stops at start-up with a clear message. The OS releases the lock
/// when the process dies, so a crash never leaves the dir locked.
/// </summary>
public sealed class StateDirectoryLock : IDisposable
{
    private readonly FileStream _lock;

    private StateDirectoryLock(FileStream stream) => _lock = stream;

    public static StateDirectoryLock Acquire(string stateDir)
    {
        Directory.CreateDirectory(stateDir);
        var path = Path.Combine(stateDir, ".lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(Environment.ProcessId);
            return new StateDirectoryLock(stream);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"state dir '{stateDir}' is in use by another PcapWatch instance; give each instance its own --state-dir");
        }
    }

    public void Dispose() => _lock.Dispose();
}

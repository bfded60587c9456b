namespace PcapWatch.Tables;

/// <summary>
/// The file system under a store cannot be used as it must be (no permission, read-only, full, failing): nothing is
/// wrong with the store, so nothing is rebuilt, moved or deleted. The program stops with one line and exit code 2, and
/// the next start, once an operator has made room or mended the mount, serves from the same state. An
/// <see cref="IOException"/>, so no loop mistakes it for a fault of the record being processed.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>What <paramref name="doing"/> in <paramref name="directory"/> failed with, as one line.</summary>
    public static StoreUnavailableException For(string directory, string doing, Exception cause) =>
        new($"cannot use the state in {directory} ({doing}): {StorageFaults.Describe(cause)}", cause);
}

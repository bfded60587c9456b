namespace PcapWatch.Tables;

/// <summary>
/// Tells a fault of the machine's storage (permission, read-only, full, I/O error) from a fault of what is stored: the
/// first must stop the program and leave the state alone, the second is a damaged store to set aside and rebuild.
/// </summary>
public static class StorageFaults
{
    // On Unix .NET raises an IOException whose HResult is the errno when no more specific exception fits; a permission
    // error is an UnauthorizedAccessException. EPERM, EIO, ENFILE, EMFILE, ENOSPC, EROFS, EDQUOT; and Windows'
    // disk-full HResults, for completeness.
    private static readonly HashSet<int> EnvironmentErrors = [1, 5, 23, 24, 28, 30, 122, unchecked((int)0x80070070), unchecked((int)0x80070027)];

    /// <summary>
    /// Whether <paramref name="ex"/>, or anything it wraps, is a fault of the storage rather than of the data.
    /// </summary>
    public static bool IsEnvironment(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is StoreUnavailableException or UnauthorizedAccessException) return true;
            if (e is IOException io && EnvironmentErrors.Contains(io.HResult)) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsEnvironment)) return true;
        }
        return false;
    }

    /// <summary>
    /// The innermost storage fault's message (the one that names the cause), else the exception's own.
    /// </summary>
    public static string Describe(Exception ex)
    {
        string message = ex.Message;
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is UnauthorizedAccessException || (e is IOException io and not StoreUnavailableException && EnvironmentErrors.Contains(io.HResult)))
            {
                message = e.Message;
            }
        }
        return message.ReplaceLineEndings(" ");
    }
}

namespace PcapWatch;

/// <summary>
/// A directory only its owner may read: the state directory holds employees' names, their computers and who is
/// watched, so it is made 0700 (the default, 0755 under the usual umask, lets every local user read it).
/// </summary>
public static class PrivateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and its missing parents) owner-only; an existing one is left as it is.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, OwnerOnly);
    }

    /// <summary>
    /// Makes an existing directory owner-only (when PcapWatch takes it over: it is about to hold personal data); false when
    /// this user may not change its mode (a folder someone else owns and lets PcapWatch write to): it is left as it is.
    /// </summary>
    public static bool Restrict(string path)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            File.SetUnixFileMode(path, OwnerOnly);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

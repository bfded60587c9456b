namespace PcapWatch.Index;

/// <summary>
/// One version of a row: its stored bytes (<see cref="Tables.RowCodec"/>; null for a delete), valid from a time.
/// </summary>
internal readonly record struct RowVersion(long FromMs, byte[]? Row);

/// <summary>
/// The rules of one row's versions, kept in valid-time order (<see cref="OwnershipHistory"/>'s tables).
/// </summary>
internal static class RowVersions
{
    /// <summary>
    /// Puts a version in valid-time order; one of the same time replaces it (read again after at-least-once delivery,
    /// or a correction: the one read last counts). True when no later version follows it; <paramref name="added"/>
    /// says whether the list grew.
    /// </summary>
    public static bool Place(List<RowVersion> versions, RowVersion version, out bool added)
    {
        int i = versions.Count;
        while (i > 0 && versions[i - 1].FromMs > version.FromMs) i--;
        bool newest = i == versions.Count;
        added = !(i > 0 && versions[i - 1].FromMs == version.FromMs);
        if (added) versions.Insert(i, version);
        else versions[i - 1] = version;
        return newest;
    }

    /// <summary>The version in force at <paramref name="atMs"/> (null: none yet, or deleted).</summary>
    public static byte[]? At(List<RowVersion> versions, long atMs)
    {
        for (int i = versions.Count - 1; i >= 0; i--)
        {
            if (versions[i].FromMs <= atMs) return versions[i].Row;
        }
        return null;
    }

    /// <summary>
    /// Drops the versions replaced before <paramref name="horizon"/> (the one in force then stays); how many.
    /// </summary>
    public static int ForgetBefore(List<RowVersion> versions, long horizon)
    {
        int drop = 0;
        while (drop + 1 < versions.Count && versions[drop + 1].FromMs <= horizon) drop++;
        if (drop > 0) versions.RemoveRange(0, drop);
        return drop;
    }

    /// <summary>
    /// Whether all that is left is a delete older than the horizon: the row is gone for every time kept.
    /// </summary>
    public static bool GoneBefore(List<RowVersion> versions, long horizon) =>
        versions.Count == 1 && versions[0].Row is null && versions[0].FromMs <= horizon;
}

using Microsoft.AspNetCore.Http;

namespace PcapWatch.Dashboard;

/// <summary>
/// What a path reveals about people: every request for <see cref="Counts"/> or <see cref="Records"/> is audited, and
/// <see cref="Records"/> are for analysts only.
/// </summary>
internal enum PersonalData
{
    /// <summary>The page's own files, its health, who one is.</summary>
    None,

    /// <summary>Counts and charts per employee: the summary, an employee's chart.</summary>
    Counts,

    /// <summary>
    /// Packet by packet, who had an address, or the names someone visited: the feed, <c>who</c>, the sites, the flows,
    /// and the audit trail itself.
    /// </summary>
    Records,
}

internal static class PersonalDataPaths
{
    public static PersonalData Of(PathString path)
    {
        if (path.StartsWithSegments("/api/summary") || path.StartsWithSegments("/api/chart")) return PersonalData.Counts;
        if (path.StartsWithSegments("/api/matches") || path.StartsWithSegments("/api/who") || path.StartsWithSegments("/api/audit")
            || path.StartsWithSegments("/api/sites") || path.StartsWithSegments("/api/flows"))
        {
            return PersonalData.Records;
        }
        return PersonalData.None;
    }
}

namespace PcapWatch.Dashboard;

/// <summary>
/// <c>/api/health</c>: the dashboard's own reading (records it could not read, matches stamped too far in the future to
/// end the windows, repeats of matches produced again after a crash and not counted, records without an origin), and
/// each instance's metrics when URLs were given.
/// </summary>
public sealed record HealthAnswer(long MatchesRead, long UnreadableRecords, bool CaughtUp, IReadOnlyList<InstanceHealth> Instances,
    long FutureStamped = 0, long RepeatsSkipped = 0, long Unverifiable = 0);

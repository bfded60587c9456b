namespace PcapWatch.Dashboard;

/// <summary>What a user of the page may read.</summary>
public enum DashboardRole
{
    /// <summary>Everything: counts and charts, the packet feed, <c>who</c>, the audit trail.</summary>
    Analyst,

    /// <summary>
    /// Counts and charts only: no packet feed (which says which address each person reached) and no <c>who</c>.
    /// </summary>
    Viewer,
}

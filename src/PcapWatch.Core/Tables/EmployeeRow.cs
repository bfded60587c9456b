namespace PcapWatch.Tables;

/// <summary>One row of the <c>employees</c> table.</summary>
public sealed record EmployeeRow(string Key, string? Name, string? WatchFlag)
{
    /// <summary>
    /// The recipe's <c>WHERE E.WATCH_FLAG = 'YES'</c>, made forgiving: surrounding whitespace and case are ignored
    /// (<c>" yes "</c> is watched); anything else, missing included, is not.
    /// </summary>
    public bool IsWatched => WatchFlag is not null && WatchFlag.AsSpan().Trim().Equals("YES", StringComparison.OrdinalIgnoreCase);
}

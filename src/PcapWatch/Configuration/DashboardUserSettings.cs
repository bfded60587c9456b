namespace PcapWatch.Cli.Configuration;

/// <summary>One user of the page, under <c>Dashboard:Users:NAME</c>: what <c>pcapwatch dashboard add-user</c> prints.</summary>
internal sealed class DashboardUserSettings
{
    /// <summary>analyst (everything) or viewer (counts and charts: no packet feed, no who).</summary>
    public PcapWatch.Dashboard.DashboardRole Role { get; set; } = PcapWatch.Dashboard.DashboardRole.Viewer;

    /// <summary>The password's salted hash (never the password).</summary>
    public string? PasswordHash { get; set; }

    /// <summary>The token's hash (never the token).</summary>
    public string? TokenHash { get; set; }
}

using Microsoft.AspNetCore.Http;

namespace PcapWatch.Dashboard;

/// <summary>Who a request is from, as the access gate established it, and what their role lets them read.</summary>
internal sealed record SignedIn(string Name, DashboardRole Role)
{
    /// <summary>Anyone on this machine, when no users are configured (the page then listens on loopback only).</summary>
    public static SignedIn Local { get; } = new("(local)", DashboardRole.Analyst);

    private const string ItemKey = "PcapWatch.SignedIn";

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    public static SignedIn Of(HttpContext context) => context.Items[ItemKey] as SignedIn ?? Local;

    /// <summary>The role as the settings, the page and the audit trail write it: <c>analyst</c>, <c>viewer</c>.</summary>
    public string RoleName => Role.ToString().ToLowerInvariant();

    public bool MayRead(PersonalData kind) => kind != PersonalData.Records || Role == DashboardRole.Analyst;
}

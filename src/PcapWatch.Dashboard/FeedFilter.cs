using PcapWatch.Tools;

namespace PcapWatch.Dashboard;

/// <summary>
/// The live feed's filter: one employee (by id or name) and a protocols LIKE pattern, as <c>tail</c> has it.
/// </summary>
internal sealed record FeedFilter(string? Employee, string? ProtocolsLike)
{
    public bool Passes(FeedItem item) =>
        (string.IsNullOrEmpty(Employee) || Employee == item.EmpId || Employee == item.EmpName)
        && (string.IsNullOrEmpty(ProtocolsLike) || SqlLike.IsMatch(item.Protocols, ProtocolsLike));
}

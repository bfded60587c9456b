using System.Net;
using PcapWatch.Packets;
using PcapWatch.Tools;

namespace PcapWatch.Dashboard;

/// <summary><c>/api/who/{address}</c>: the <c>who</c> command's answer, as JSON.</summary>
public sealed record WhoAnswer(string Address, string Kind, bool Watched, WatchedOwner? Owner, Sighting? LastSeen)
{
    /// <summary>The answer for a MAC or an IP; null when the text is neither.</summary>
    internal static WhoAnswer? For(string query, DashboardState state)
    {
        if (MacAddress.TryParse(query, out var mac))
        {
            var (owner, last) = state.ByMac(mac);
            return new WhoAnswer(mac.ToString(), "mac", owner is not null, owner, last);
        }
        if (IPAddress.TryParse(query, out var ip))
        {
            var (owner, last) = state.ByIp(ip);
            return new WhoAnswer(ip.ToString(), "ip", owner is not null, owner, last);
        }
        return null;
    }
}

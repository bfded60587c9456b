using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>
/// The set a packet's MACs are checked against before anything else is read: the watched MACs now
/// (<see cref="WatchIndex"/>), or every MAC watched at some time kept (<see cref="OwnershipHistory"/>).
/// </summary>
public interface IWatchedMacs
{
    bool Contains(MacAddress mac);
}

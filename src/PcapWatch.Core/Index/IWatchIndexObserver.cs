using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>Told of every change to the index: the MAC's owners now (empty when the MAC left the index).</summary>
public interface IWatchIndexObserver
{
    void OnOwnersChanged(MacAddress mac, IReadOnlyList<WatchedComputer> owners);
}

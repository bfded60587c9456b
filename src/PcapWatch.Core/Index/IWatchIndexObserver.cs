using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>Told of every change to the index: the MAC's owners now (empty when the MAC left the index).</summary>
public interface IWatchIndexObserver
{
    void OnOwnersChanged(MacAddress mac, IReadOnlyList<WatchedComputer> owners);

    /// <summary>False while changes mean nothing to the observer: a restart's hundred thousand owners are then not made
    /// into objects only to be ignored.</summary>
    bool Listening => true;

    /// <summary>Called before the index changes (before <see cref="OnOwnersChanged"/>): an observer that is catching up
    /// with the index as it stands can finish doing so first.</summary>
    void BeforeIndexChanges() { }
}

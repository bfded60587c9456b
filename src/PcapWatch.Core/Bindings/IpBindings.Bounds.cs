using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>The bindings' memory bounds: expired intervals swept away, and the address cap kept by evicting.</summary>
public sealed partial class IpBindings
{
    /// <summary>
    /// Forgets what ended before the horizon, across all addresses, once the horizon has moved a minute and enough has
    /// been learned to pay for the pass (an address seen once is otherwise never trimmed).
    /// </summary>
    private void MaybeSweep()
    {
        if (++_learnsSinceSweep < _byAddress.Count / 8 || UnixTime.SaturatingSubtract(_newestMs, _lastSweepMs) < SweepEveryMs) return;
        Sweep();
    }

    /// <summary>Forgets every interval that ended before the horizon, and addresses left without one.</summary>
    public void Sweep()
    {
        _learnsSinceSweep = 0;
        _lastSweepMs = _newestMs;
        long forgetBefore = ForgetBefore;
        foreach (var (address, intervals) in _byAddress)
        {
            AddressIntervals.Trim(intervals, forgetBefore, MaxIntervalsPerAddress);
            if (intervals.Count == 0) _byAddress.Remove(address);
        }
    }

    /// <summary>
    /// Over the cap after <paramref name="added"/> came: expired ones go first, then the least recently stated
    /// sixteenth.
    /// </summary>
    private void MakeRoom(IpAddressKey added)
    {
        if (_byAddress.Count <= MaxAddresses) return;
        Sweep();
        if (_byAddress.Count <= MaxAddresses) return;
        var candidates = new List<(long LastStated, UInt128 Address)>(_byAddress.Count);
        foreach (var (address, intervals) in _byAddress)
        {
            if (address != added.Value) candidates.Add((AddressIntervals.LastStated(intervals), address));
        }
        candidates.Sort((a, b) => a.LastStated.CompareTo(b.LastStated));
        int evict = Math.Max(_byAddress.Count - MaxAddresses, MaxAddresses / 16);
        for (int i = 0; i < evict && i < candidates.Count; i++) _byAddress.Remove(candidates[i].Address);
        Evicted += Math.Min(evict, candidates.Count);
    }
}

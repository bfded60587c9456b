using Microsoft.Extensions.Logging;
using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>
/// Sets a MAC's watched owners in the <see cref="WatchIndex"/>, reports a MAC that several watched computers claim
/// (once, until it has one owner again), and tells the observer (the changelog) what changed.
/// </summary>
internal sealed class IndexPublisher(WatchIndex index, IWatchIndexObserver? observer, ILogger log)
{
    private readonly HashSet<long> _reportedConflicts = new();

    /// <summary>Times a MAC became claimed by more than one watched computer.</summary>
    public long MacConflicts { get; private set; }

    /// <summary>A MAC with one owner, whose record a restart wrote from the rows' bytes.</summary>
    public void Publish(MacAddress mac, byte[] oneOwner)
    {
        observer?.BeforeIndexChanges();
        if (!index.SetRecord(mac, oneOwner)) return;
        _reportedConflicts.Remove(mac.Value);
        if (observer is { Listening: true } listening) listening.OnOwnersChanged(mac, OwnerRecord.Decode(mac, oneOwner));
    }

    /// <summary>Sets a MAC's owners (in row-key order), reports a conflict once, and tells the observer.</summary>
    public void Publish(MacAddress mac, List<WatchedComputer> owners)
    {
        owners.Sort(static (a, b) => string.CompareOrdinal(a.ComputerRowKey, b.ComputerRowKey));
        var ownerArray = owners.ToArray();
        observer?.BeforeIndexChanges();
        if (!index.Set(mac, ownerArray)) return;
        if (ownerArray.Length <= 1) _reportedConflicts.Remove(mac.Value);
        else if (_reportedConflicts.Add(mac.Value))
        {
            MacConflicts++;
            log.LogWarning("MAC {Mac} is claimed by {Count} watched computers ({RowKeys}); each packet is reported once per owner",
                mac.ToString(), ownerArray.Length, string.Join(", ", ownerArray.Select(o => o.ComputerRowKey)));
        }
        observer?.OnOwnersChanged(mac, ownerArray);
    }
}

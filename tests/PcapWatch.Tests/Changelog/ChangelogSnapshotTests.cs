using System.Text;
using NUnit.Framework;
using PcapWatch.Changelog;
using PcapWatch.Index;

namespace PcapWatch.Tests.Changelog;

public class ChangelogSnapshotTests
{
    [Test]
    public void Canonical_mac_keys_are_held_by_number_and_every_other_key_as_it_came()
    {
        var snapshot = new ChangelogSnapshot();
        snapshot.Add("e0:a1:d7:18:c2:72"u8, [1]);
        snapshot.Add("e0:a1:d7:18:c2:72"u8, [2]);          // the latest value wins
        snapshot.Add("e0:a1:d7:18:c2:73"u8, null);         // a tombstone
        snapshot.Add("E0:A1:D7:18:C2:72"u8, [3]);          // a MAC, but not as the service spells it
        snapshot.Add("e0a1.d718.c272"u8, [4]);
        snapshot.Add("not a mac"u8, [5]);

        Assert.That(snapshot.ByMac, Is.EquivalentTo(new Dictionary<long, byte[]?>
        {
            [0xe0a1d718c272] = [2],
            [0xe0a1d718c273] = null,
        }));
        Assert.That(snapshot.OtherKeys.Keys, Is.EquivalentTo(new[] { "E0:A1:D7:18:C2:72", "e0a1.d718.c272", "not a mac" }));
        Assert.That(Encoding.UTF8.GetString(snapshot.OtherKeys["not a mac"]!), Is.EqualTo("\u0005"));
    }
}

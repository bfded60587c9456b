using CsCheck;
using NUnit.Framework;
using PcapWatch.Index;

namespace PcapWatch.Tests.Index;

/// <summary>The compact key → rows map behaves as a dictionary of sets, whatever the order of adds and removes.</summary>
public class RowKeyMultiMapTests
{
    [Test]
    public void Behaves_as_a_dictionary_of_sets()
    {
        Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 4]).List[0, 60].Sample(ops =>
        {
            var map = new RowKeyMultiMap<int>();
            var model = new Dictionary<int, HashSet<string>>();
            foreach (var (add, key, row) in ops)
            {
                var rowKey = "r" + row;
                if (add)
                {
                    map.Add(key, rowKey);
                    if (!model.TryGetValue(key, out var set)) model[key] = set = [];
                    set.Add(rowKey);
                }
                else
                {
                    map.Remove(key, rowKey);
                    if (model.TryGetValue(key, out var set) && set.Remove(rowKey) && set.Count == 0) model.Remove(key);
                }
                Assert.That(map.Count, Is.EqualTo(model.Count));
                for (int k = 0; k <= 3; k++)
                {
                    Assert.That(map.TryGet(k, out var rows), Is.EqualTo(model.ContainsKey(k)));
                    Assert.That(rows, Is.EquivalentTo(model.GetValueOrDefault(k) ?? []));
                }
            }
        }, iter: 500);
    }
}

using CsCheck;
using NUnit.Framework;
using PcapWatch.Dashboard;

namespace PcapWatch.Tests.Dashboard;

public class BucketRingTests
{
    [Test]
    public void Every_bucket_of_the_newest_window_holds_exactly_what_arrived_for_it_in_any_order()
    {
        // Timestamps over ~3 ring lengths, late and early arrivals mixed; negative times too (before 1970).
        Gen.Select(Gen.Long[-30_000, 60_000], Gen.Long[0, 1500]).List[1, 200].Sample(adds =>
        {
            var ring = new BucketRing(TimeSpan.FromSeconds(1), 16);
            foreach (var (t, bytes) in adds) ring.Add(t, bytes);
            long newest = adds.Max(a => ring.BucketOf(a.Item1));
            for (long b = newest - ring.Slots + 1; b <= newest; b++)
            {
                var inBucket = adds.Where(a => ring.BucketOf(a.Item1) == b).ToList();
                if (ring.At(b) != (inBucket.Count, inBucket.Sum(a => a.Item2))) return false;
            }
            return ring.At(newest - ring.Slots) == (0, 0); // a window: the bucket just before it is not reported
        });
    }

    [Test]
    public void Buckets_floor_negative_times()
    {
        var ring = new BucketRing(TimeSpan.FromSeconds(1), 4);
        Assert.That((ring.BucketOf(-1), ring.BucketOf(0), ring.BucketOf(999), ring.BucketOf(-1000), ring.BucketOf(-1001)),
            Is.EqualTo((-1L, 0L, 0L, -1L, -2L)));
    }
}

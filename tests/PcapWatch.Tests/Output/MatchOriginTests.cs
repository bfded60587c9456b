using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Output;

namespace PcapWatch.Tests.Output;

/// <summary>Issue "Counted once": the origin header reads back what was written, and refuses what no writer writes.</summary>
public class MatchOriginTests
{
    [Test]
    public void An_origin_reads_back_as_written()
    {
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Long[0, long.MaxValue], Gen.Int[0, int.MaxValue], Gen.Long[0, long.MaxValue])
            .Sample((partition, offset, index, floor) =>
            {
                var origin = new MatchOrigin(partition, offset, index, Math.Min(floor, offset));
                var bytes = origin.Encode();
                Assert.That(bytes, Has.Length.LessThanOrEqualTo(MatchOrigin.MaxLength));
                Assert.That(MatchOrigin.TryDecode(bytes, out var read), Is.True, Encoding.ASCII.GetString(bytes));
                Assert.That(read, Is.EqualTo(origin));
            });
        Assert.That(Encoding.ASCII.GetString(new MatchOrigin(3, 1200, 1, 1000).Encode()), Is.EqualTo("3/1200/1/1000"));
    }

    [TestCase("")]
    [TestCase("3/1200/1")]
    [TestCase("3/1200/1/1000/")]
    [TestCase("3/1200/1/1000/5")]
    [TestCase("3//1/1000")]
    [TestCase("-3/1200/1/1000")]
    [TestCase("3/1200/1/1201")]
    [TestCase("3/+1200/1/1000")]
    [TestCase("3/1200/2147483648/1000")]
    [TestCase("3/99999999999999999999/1/1000")]
    [TestCase("3/1200/1/1000\n")]
    public void What_no_writer_writes_is_no_origin(string header) =>
        Assert.That(MatchOrigin.TryDecode(Encoding.ASCII.GetBytes(header), out _), Is.False);

    [Test]
    public void Any_bytes_at_all_never_throw() =>
        Gen.Byte.Array[0, 64].Sample(bytes => Assert.DoesNotThrow(() => MatchOrigin.TryDecode(bytes, out _)));
}

using NUnit.Framework;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Tables;

public class ValidTimeTests
{
    [TestCase("2026-12-01T02:04:17.565Z", 1796090657565L)]
    [TestCase("2026-12-01T03:04:17.565+01:00", 1796090657565L)]
    [TestCase("2026-12-01T02:04:17Z", 1796090657000L)]
    [TestCase("2026-12-01 02:04:17", 1796090657000L)]
    [TestCase("2026-12-01T02:04", 1796090640000L)]
    [TestCase("2026-12-01", 1796083200000L)]
    [TestCase("1796090657.565889738", 1796090657565L)]
    [TestCase("1796090657", 1796090657000L)]
    [TestCase(" 1796090657 ", 1796090657000L)]
    [TestCase("0", 0L)]
    public void Iso_8601_and_epoch_seconds_are_read(string text, long expectedMs)
    {
        Assert.That(ValidTime.TryParse(text, out long ms, out var problem), Is.True, problem);
        Assert.That(ms, Is.EqualTo(expectedMs));
    }

    [TestCase("yesterday")]
    [TestCase("12/01/2026")]
    [TestCase("")]
    [TestCase("-5")]
    [TestCase("1e9")]
    [TestCase("99999999999999999999")]
    [TestCase("2026-13-01")]
    public void Anything_else_is_refused_with_the_value_in_the_reason(string text)
    {
        Assert.That(ValidTime.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain("valid_from").And.Contain("ISO-8601"));
    }

    [Test]
    public void A_computers_row_keeps_its_valid_from_as_written()
    {
        Assert.That(TableRecordParser.TryParseComputer("7"u8, true, """{"comp_id":7,"empkey":"E1","macaddr":"02:00:00:00:00:07","valid_from":1796090657.5}"""u8,
            false, out var change, out _), Is.True);
        Assert.That(change.Row!.ValidFrom, Is.EqualTo("1796090657.5"));
    }
}

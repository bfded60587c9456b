using System.Text;
using NUnit.Framework;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Tables;

public class TableRecordParserTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Test]
    public void Employee_row_from_the_recipe()
    {
        var change = TableRecordParser.ParseEmployee(B("100"), true, B("""{"key":"100", "name":"Tom Jones", "watch_flag":"YES"}"""), false);
        Assert.That(change.RowKey, Is.EqualTo("100"));
        Assert.That(change.Row, Is.EqualTo(new EmployeeRow("100", "Tom Jones", "YES")));
        Assert.That(change.Row!.IsWatched, Is.True);
    }

    [TestCase("YES", true)]
    [TestCase(" yes ", true)]
    [TestCase("Yes", true)]
    [TestCase("NO", false)]
    [TestCase("Y", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void Watch_flag_is_a_trimmed_case_insensitive_yes(string? flag, bool watched)
    {
        Assert.That(new EmployeeRow("1", "n", flag).IsWatched, Is.EqualTo(watched));
    }

    [Test]
    public void Row_key_falls_back_to_the_value_when_the_message_has_none()
    {
        Assert.That(TableRecordParser.ParseEmployee(default, false, B("""{"key":"7","name":"x"}"""), false).RowKey, Is.EqualTo("7"));
        var computer = TableRecordParser.ParseComputer(default, false, B("""{"comp_id":12,"empkey":"7","macaddr":"aa:bb:cc:dd:ee:ff"}"""), false);
        Assert.That(computer.RowKey, Is.EqualTo("12"), "comp_id, a JSON number, identifies the row");
        Assert.That(computer.Row, Is.EqualTo(new ComputerRow("12", "12", "7", "aa:bb:cc:dd:ee:ff")));
    }

    [Test]
    public void Null_value_is_a_delete()
    {
        var change = TableRecordParser.ParseComputer(B("100"), true, default, true);
        Assert.That(change.IsDelete, Is.True);
        Assert.That(change.RowKey, Is.EqualTo("100"));
    }

    [TestCase("not json", "not valid JSON")]
    [TestCase("[1,2]", "not an object")]
    [TestCase("""{"name":"no key"}""", "neither a message key")]
    [TestCase("""{"key":{"nested":1}}""", "expected a string")]
    public void Bad_rows_are_rejected_with_a_reason(string value, string reason)
    {
        var ex = Assert.Throws<TableRecordException>(() => TableRecordParser.ParseEmployee(default, false, B(value), false));
        Assert.That(ex!.Reason, Does.Contain(reason));
    }

    [Test]
    public void Tombstone_without_a_key_is_rejected()
    {
        Assert.Throws<TableRecordException>(() => TableRecordParser.ParseEmployee(default, false, default, true));
    }
}

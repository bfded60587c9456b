using System.Text;
using NUnit.Framework;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Tables;

public class TableRecordParserTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static TableChange<EmployeeRow> Employee(byte[]? key, string value)
    {
        Assert.That(TableRecordParser.TryParseEmployee(key, key is not null, B(value), false, out var change, out var rejection),
            Is.True, () => rejection.ToString());
        return change;
    }

    private static Rejection RejectedEmployee(byte[] value, byte[]? key = null)
    {
        Assert.That(TableRecordParser.TryParseEmployee(key, key is not null, value, false, out var change, out var rejection),
            Is.False, () => $"accepted as {change}");
        return rejection;
    }

    [Test]
    public void Employee_row_from_the_recipe()
    {
        var change = Employee(B("100"), """{"key":"100", "name":"Tom Jones", "watch_flag":"YES"}""");
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
        Assert.That(Employee(null, """{"key":"7","name":"x"}""").RowKey, Is.EqualTo("7"));
        Assert.That(TableRecordParser.TryParseComputer(default, false, B("""{"comp_id":12,"empkey":"7","macaddr":"aa:bb:cc:dd:ee:ff"}"""),
            false, out var computer, out _), Is.True);
        Assert.That(computer.RowKey, Is.EqualTo("12"), "comp_id, a JSON number, identifies the row");
        Assert.That(computer.Row, Is.EqualTo(new ComputerRow("12", "12", "7", "aa:bb:cc:dd:ee:ff")));
    }

    [Test]
    public void A_field_given_twice_counts_with_its_last_value_and_escapes_are_read()
    {
        var change = Employee(null, """{"key":"7","name":"first","name":"Jos\u00e9 \ud83d\ude00","watch_flag":null}""");
        Assert.That(change.Row, Is.EqualTo(new EmployeeRow("7", "José 😀", null)));
    }

    [Test]
    public void Null_value_is_a_delete()
    {
        Assert.That(TableRecordParser.TryParseComputer(B("100"), true, default, true, out var change, out _), Is.True);
        Assert.That(change.IsDelete, Is.True);
        Assert.That(change.RowKey, Is.EqualTo("100"));
    }

    [TestCase("not json", "invalid_json", "not valid JSON")]
    [TestCase("", "invalid_json", "not valid JSON")]
    [TestCase("""{"key":"1"} trailing""", "invalid_json", "not valid JSON")]
    [TestCase("[1,2]", "not_an_object", "not an object")]
    [TestCase("5", "not_an_object", "number")]
    [TestCase("""{"name":"no key"}""", "no_key", "neither a message key")]
    [TestCase("""{"key":{"nested":1}}""", "bad_field", "expected a string")]
    [TestCase("""{"key":"1","name":"\ud83d"}""", "invalid_escape", "lone surrogate")]
    [TestCase("""{"key":"1","name":"\udc00\ud83d"}""", "invalid_escape", "field \"name\"")]
    [TestCase("""{"\ud800":"x","key":"1"}""", "invalid_escape", "field name")]
    public void Bad_rows_are_rejected_with_a_code_and_a_reason(string value, string code, string reason)
    {
        var rejection = RejectedEmployee(B(value));
        Assert.That(rejection.Code, Is.EqualTo(code));
        Assert.That(rejection.Detail, Does.Contain(reason));
    }

    [Test]
    public void Invalid_utf8_in_a_value_or_a_key_is_rejected()
    {
        var value = B("""{"key":"1","name":"X"}""");
        value[Array.IndexOf(value, (byte)'X')] = 0xff;
        Assert.That(RejectedEmployee(value).Code, Is.EqualTo("invalid_utf8"));
        Assert.That(RejectedEmployee(B("""{"key":"1"}"""), key: [0xc3]).Code, Is.EqualTo("bad_key"));
    }

    [Test]
    public void Hostile_nesting_is_too_deep()
    {
        var deep = "{\"key\":\"1\",\"x\":" + string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000)) + "}";
        Assert.That(RejectedEmployee(B(deep)).Code, Is.EqualTo("too_deep"));
    }

    [Test]
    public void Tombstone_without_a_key_is_rejected()
    {
        Assert.That(TableRecordParser.TryParseEmployee(default, false, default, true, out _, out var rejection), Is.False);
        Assert.That(rejection.Code, Is.EqualTo("no_key"));
    }
}

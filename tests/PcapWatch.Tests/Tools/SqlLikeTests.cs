using NUnit.Framework;
using PcapWatch.Output;

using PcapWatch.Tools;

namespace PcapWatch.Tests.Tools;

public class SqlLikeTests
{
    [TestCase("eth:ethertype:ip:tcp:http", "%http", true)]
    [TestCase("eth:ethertype:ip:tcp:http:urlencoded-form", "%http", false)]
    [TestCase("eth:ethertype:ip:tcp:http:urlencoded-form", "%http%", true)]
    [TestCase("eth:ethertype:arp", "eth:%", true)]
    [TestCase("eth:ethertype:arp", "eth:ethertype:ar_", true)]
    [TestCase("eth:ethertype:arp", "eth:ethertype:a_", false)]
    [TestCase("eth:ethertype:arp", "ETH%", false)]
    [TestCase("", "%", true)]
    [TestCase("", "", true)]
    [TestCase("abc", "", false)]
    [TestCase("a%c", "a%c", true)]
    [TestCase("aXbXc", "%b%c", true)]
    public void Matches_like_sql(string value, string pattern, bool expected)
    {
        Assert.That(SqlLike.IsMatch(value, pattern), Is.EqualTo(expected));
    }

    [Test]
    public void Null_never_matches() => Assert.That(SqlLike.IsMatch(null, "%"), Is.False);

    [Test]
    public void View_renders_like_the_recipe_with_null()
    {
        var view = new MatchView(null, json: false);
        var line = view.Render("""{"P_FRAME_PROTOCOLS":"eth:ethertype:arp","P_IP_DST":null,"C_EMP_NAME":"Tom Jones"}"""u8);
        Assert.That(line, Is.EqualTo("Tom Jones | eth:ethertype:arp | null"));
        Assert.That(new MatchView("%http", false).Render("""{"P_FRAME_PROTOCOLS":"eth:ethertype:arp"}"""u8), Is.Null);
    }
}

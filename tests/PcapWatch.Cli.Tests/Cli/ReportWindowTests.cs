using NUnit.Framework;
using PcapWatch.Cli;
using PcapWatch.Cli.Configuration;

namespace PcapWatch.Cli.Tests.Cli;

public class ReportWindowTests
{
    [TestCase("30s", 30)]
    [TestCase("1m", 60)]
    [TestCase(" 15m ", 900)]
    [TestCase("1h", 3600)]
    [TestCase("0.5s", 0.5)]
    [TestCase("90", 90)]
    public void Durations_are_read_in_seconds_minutes_and_hours(string text, double seconds)
    {
        Assert.That(ReportCommand.ParseWindow(text), Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("")]
    [TestCase("0s")]
    [TestCase("-1m")]
    [TestCase("m")]
    [TestCase("1d")]
    [TestCase("1e400h")]
    [TestCase("ten minutes")]
    public void Anything_else_is_a_settings_error_naming_the_flag(string text)
    {
        var ex = Assert.Throws<SettingsException>(() => ReportCommand.ParseWindow(text));
        Assert.That(ex!.Message, Does.StartWith("--window:"));
    }
}

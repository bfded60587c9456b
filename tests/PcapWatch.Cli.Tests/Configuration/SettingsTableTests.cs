using Microsoft.Extensions.Configuration;
using NUnit.Framework;
using PcapWatch.Cli.Configuration;

namespace PcapWatch.Cli.Tests.Configuration;

/// <summary>One place per setting: the flags of run and the documentation table are made from the settings class.</summary>
public class SettingsTableTests
{
    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PcapWatch.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("PcapWatch.sln not found");
        }
    }

    [Test]
    public void The_table_in_the_operations_page_is_the_generated_one()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "operations.md")).ReplaceLineEndings("\n");
        Assert.That(page, Does.Contain(SettingFlags.MarkdownTable()),
            "docs/operations.md is out of date: paste the output of `pcapwatch settings` over its table");
    }

    [Test]
    public void Every_run_flag_maps_to_a_setting_with_a_description()
    {
        Assert.That(SettingFlags.All, Is.Not.Empty);
        Assert.That(SettingFlags.All.Select(s => s.Attribute.Flag), Is.All.StartsWith("--"));
        Assert.That(SettingFlags.All.Select(s => s.Attribute.Flag), Is.Unique);
        Assert.That(SettingFlags.All.Select(s => s.Attribute.Description), Is.All.Not.Empty);
    }

    [TestCase("GroupId", "", "GroupId must not be empty")]
    public void The_generated_validator_checks_the_annotations(string property, string value, string message)
    {
        var settings = new PcapWatchSettings();
        typeof(PcapWatchSettings).GetProperty(property)!.SetValue(settings, value);
        var result = new PcapWatchSettingsValidator().Validate(null, settings);
        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain(message));
    }

    /// <summary>A mode is the core's enum: a value outside its names is refused by the binding, with what is allowed.</summary>
    [TestCase("OutputFormat", "xml", "OutputFormat must be json or avro")]
    [TestCase("Match", "sideways", "Match must be a comma list of src, dst, both, ip")]
    [TestCase("Match", "src,,ip", "Match must be a comma list of src, dst, both, ip")]
    [TestCase("Match", "src,ipv4", "Match must be a comma list of src, dst, both, ip")]
    [TestCase("Attribution", "Latest", "Attribution must be latest or capture-time")]
    public void A_mode_outside_its_names_is_refused_when_bound(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        var refused = Assert.Throws<SettingsException>(() => SettingsLoader.Bind(configuration, new PcapWatchSettings()));
        Assert.That(refused!.Message, Does.Contain(message));
    }

    [TestCase("Attribution", "capture-time")]
    [TestCase("OutputFormat", "avro")]
    public void A_mode_binds_from_its_kebab_case_name_and_is_shown_in_it(string key, string value)
    {
        var settings = new PcapWatchSettings();
        SettingsLoader.Bind(new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build(), settings);
        var bound = typeof(PcapWatchSettings).GetProperty(key)!.GetValue(settings)!;
        Assert.That(SettingValue.Name(bound), Is.EqualTo(value));
        Assert.That(SettingFlags.All.Single(s => s.Key == key).Allowed, Does.Contain(value));
    }

    /// <summary>A list mode binds from any comma list of its names and is written back as one.</summary>
    [TestCase("src", Join.MatchMode.Src, "src")]
    [TestCase("ip,dst", Join.MatchMode.Dst | Join.MatchMode.Ip, "dst,ip")]
    [TestCase("src,dst", Join.MatchMode.Both, "both")]
    [TestCase(" both , ip ", Join.MatchMode.Both | Join.MatchMode.Ip, "both,ip")]
    public void A_list_mode_binds_from_a_comma_list_of_its_names(string value, Join.MatchMode expected, string shown)
    {
        var settings = new PcapWatchSettings();
        SettingsLoader.Bind(new ConfigurationBuilder().AddInMemoryCollection([new("Match", value)]).Build(), settings);
        Assert.That(settings.Match, Is.EqualTo(expected));
        Assert.That(SettingValue.Name(settings.Match), Is.EqualTo(shown));
    }

    [Test]
    public void Defaults_are_valid()
    {
        Assert.That(new PcapWatchSettingsValidator().Validate(null, new PcapWatchSettings()).Succeeded, Is.True);
    }
}

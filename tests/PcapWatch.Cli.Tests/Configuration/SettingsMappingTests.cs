using System.Collections;
using System.Globalization;
using NUnit.Framework;
using PcapWatch.Cli.Configuration;
using PcapWatch.Service;
using Range = System.ComponentModel.DataAnnotations.RangeAttribute;

namespace PcapWatch.Cli.Tests.Configuration;

/// <summary>
/// Every setting of <c>run</c> reaches the core's <see cref="PipelineOptions"/>: changed alone, it changes the options
/// that <see cref="PipelineOptionsFactory"/> makes. A setting added to the settings class but not mapped fails here.
/// </summary>
public class SettingsMappingTests
{
    /// <summary>Settings of the host, not of the pipeline: where the metrics are served.</summary>
    private static readonly string[] HostOnly = [nameof(PcapWatchSettings.MetricsPort), nameof(PcapWatchSettings.MetricsListen)];

    /// <summary>Valid values other than the default, for the settings whose text has a form.</summary>
    private static readonly Dictionary<string, string> Texts = new()
    {
        [nameof(PcapWatchSettings.DhcpServers)] = "10.0.0.1",
        [nameof(PcapWatchSettings.StateDir)] = "elsewhere",
    };

    public static IEnumerable<string> Keys() => SettingFlags.All.Select(s => s.Key).Except(HostOnly);

    [TestCaseSource(nameof(Keys))]
    public void A_setting_changed_alone_changes_the_pipeline_options(string key)
    {
        var before = Options(new PcapWatchSettings { Kafka = { BootstrapServers = "broker:9092" } });
        var changed = new PcapWatchSettings { Kafka = { BootstrapServers = "broker:9092" } };
        var property = typeof(PcapWatchSettings).GetProperty(key)!;
        property.SetValue(changed, OtherValue(property, property.GetValue(changed)));
        var after = Options(changed);
        Assert.That(after, Is.Not.EqualTo(before), $"{key} does not reach PipelineOptions");
    }

    private static Dictionary<string, string> Options(PcapWatchSettings settings)
    {
        var options = PipelineOptionsFactory.From(settings);
        // InstanceId defaults to host and PID, the same in both; every other property compared by its contents.
        return typeof(PipelineOptions).GetProperties().ToDictionary(p => p.Name, p => Text(p.GetValue(options)));
    }

    private static string Text(object? value) => value switch
    {
        null => "null",
        string s => s,
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Text)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static object OtherValue(System.Reflection.PropertyInfo property, object? current)
    {
        var range = property.GetCustomAttributes(typeof(Range), false).Cast<Range>().SingleOrDefault();
        return current switch
        {
            Enum mode => Enum.GetValues(mode.GetType()).Cast<object>().First(v => !v.Equals(mode)),
            bool flag => !flag,
            double d => d == Convert.ToDouble(range?.Maximum ?? double.MaxValue, CultureInfo.InvariantCulture) ? d / 2 : Math.Min(
                d + 1, Convert.ToDouble(range?.Maximum ?? double.MaxValue, CultureInfo.InvariantCulture)),
            int i => i == Convert.ToInt32(range?.Maximum ?? int.MaxValue, CultureInfo.InvariantCulture) ? i / 2 : i + 1,
            _ => Texts.TryGetValue(property.Name, out var text) ? text : "other-" + property.Name.ToLowerInvariant(),
        };
    }
}

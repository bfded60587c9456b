using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// The flags and the documentation table made from the <see cref="SettingAttribute"/>s of <see
/// cref="PcapWatchSettings"/>. A mode's flag takes its kebab-case names; the binder turns the text into the enum, as
/// from the file or the environment.
/// </summary>
internal static class SettingFlags
{
    public sealed record Setting(PropertyInfo Property, SettingAttribute Attribute, string Default, string[]? Allowed)
    {
        public string Key => Property.Name;
    }

    public static IReadOnlyList<Setting> All { get; } = Discover();

    private static List<Setting> Discover()
    {
        var defaults = new PcapWatchSettings();
        return typeof(PcapWatchSettings).GetProperties()
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SettingAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => new Setting(p.Property, p.Attribute!, p.Attribute!.DefaultText ?? Text(p.Property.GetValue(defaults)), Allowed(p.Property)))
            .ToList();
    }

    private static string Text(object? value) =>
        value switch
        {
            Enum mode => SettingValue.Name(mode),
            bool flag => flag ? "true" : "false",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };

    /// <summary>A mode's names; none for a list, whose flag takes any list and whose binding says what is wrong.</summary>
    private static string[]? Allowed(PropertyInfo property) => property.PropertyType.IsEnum
        ? SettingValue.IsList(property.PropertyType) ? null : SettingValue.Names(property.PropertyType)
        : property.GetCustomAttribute<AllowedValuesAttribute>()?.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!).ToArray();

    /// <summary>
    /// Adds one flag per setting (of those <paramref name="which"/> takes) to <paramref name="command"/>, each mapped
    /// to its key in <paramref name="loader"/>.
    /// </summary>
    public static void AddTo(Command command, SettingsLoader loader, Func<Setting, bool>? which = null)
    {
        foreach (var setting in All.Where(which ?? (_ => true)))
        {
            var description = $"{setting.Attribute.Description} [{setting.Key}; default {(setting.Default.Length == 0 ? "''" : setting.Default)}]";
            var type = Nullable.GetUnderlyingType(setting.Property.PropertyType) ?? setting.Property.PropertyType;
            if (type == typeof(double)) Add(command, loader, new Option<double>(setting.Attribute.Flag) { Description = description }, setting);
            else if (type == typeof(int)) Add(command, loader, new Option<int>(setting.Attribute.Flag) { Description = description }, setting);
            else if (type == typeof(bool)) Add(command, loader, new Option<bool>(setting.Attribute.Flag) { Description = description }, setting);
            else if (type == typeof(string) || type.IsEnum)
            {
                var option = new Option<string>(setting.Attribute.Flag) { Description = description };
                if (setting.Allowed is { } allowed) option.AcceptOnlyFromAmong(allowed);
                Add(command, loader, option, setting);
            }
            else throw new InvalidOperationException($"setting {setting.Key}: no flag for a {type.Name}");
        }
    }

    private static void Add<T>(Command command, SettingsLoader loader, Option<T> option, Setting setting)
    {
        command.Options.Add(option);
        loader.Flag(option, setting.Key);
    }

    /// <summary>The configuration table of docs/operations.md.</summary>
    public static string MarkdownTable()
    {
        var rows = new List<string>
        {
            "| key | flag | default | what |",
            "|---|---|---|---|",
            "| `Kafka:BootstrapServers` | `--bootstrap-servers`, `-b` | required | the Kafka cluster |",
            "| `Kafka:Consumer:<librdkafka property>` | `-X KEY=VALUE` (consumers and producers) | | any client property: SASL, SSL, tuning |",
            "| `Kafka:Producer:<librdkafka property>` | `-X KEY=VALUE` | | |",
        };
        foreach (var s in All)
        {
            var allowed = s.Allowed is { } values ? $" ({string.Join(", ", values)})" : "";
            rows.Add($"| `{s.Key}` | `{s.Attribute.Flag}` | {(s.Default.Length == 0 ? "''" : $"`{s.Default}`")} | "
                + $"{s.Attribute.Description}{allowed} |");
        }
        rows.Add("| `SchemaRegistry:<Schema Registry client property>` | `--schema-registry URL` (sets "
            + "`schema.registry.url`) | | Avro output, and reading it |");
        return string.Join("\n", rows) + "\n";
    }
}

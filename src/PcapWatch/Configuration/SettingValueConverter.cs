using System.ComponentModel;
using System.Globalization;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Binds a mode from its <see cref="SettingValue"/> name, for the configuration binder (which asks the type's
/// converter); anything else is refused with what is allowed, named by the setting of that type: "Attribution must be
/// latest or capture-time", "Match must be a comma list of src, dst, both, ip".
/// </summary>
internal sealed class SettingValueConverter(Type enumType) : EnumConverter(enumType)
{
    /// <summary>
    /// The modes among the settings, the core's own enums: each is given this converter before binding.
    /// </summary>
    public static readonly Type[] Modes = [typeof(Service.Attribution), typeof(Output.OutputFormat), typeof(MetricsListen),
        typeof(Join.MatchMode), typeof(PcapWatch.Dashboard.DashboardRole)];

    private static readonly Lazy<bool> Registered = new(() =>
    {
        // A converter belongs to the type, process-wide: registered once, for the CLI's binding only (the core has
        // none).
        foreach (var mode in Modes) TypeDescriptor.AddAttributes(mode, new TypeConverterAttribute(typeof(SettingValueConverter)));
        return true;
    });

    public static void Register() => _ = Registered.Value;

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text) return base.ConvertFrom(context, culture, value);
        return SettingValue.TryParse(EnumType, text, out var mode)
            ? mode
            : throw new FormatException($"{SettingName} must be {SettingValue.Choices(EnumType)}");
    }

    private string SettingName =>
        typeof(PcapWatchSettings).GetProperties().FirstOrDefault(p => p.PropertyType == EnumType)?.Name ?? EnumType.Name;

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is not null && value.GetType() == EnumType
            ? SettingValue.Name(value)
            : base.ConvertTo(context, culture, value, destinationType);
}

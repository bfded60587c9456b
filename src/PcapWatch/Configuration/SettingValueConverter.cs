using System.ComponentModel;
using System.Globalization;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Binds a mode from its <see cref="SettingValue"/> name, for the configuration binder (which asks the type's
/// converter); anything else is refused with what is allowed: "Attribution must be latest or capture-time".
/// </summary>
internal sealed class SettingValueConverter(Type enumType) : EnumConverter(enumType)
{
    /// <summary>
    /// The modes among the settings, the core's own enums: each is given this converter before binding.
    /// </summary>
    public static readonly Type[] Modes = [typeof(Service.Attribution), typeof(Output.OutputFormat), typeof(MetricsListen)];

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
            : throw new FormatException($"{EnumType.Name} must be {SettingValue.Choices(EnumType)}");
    }

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is not null && value.GetType() == EnumType
            ? SettingValue.Name(value)
            : base.ConvertTo(context, culture, value, destinationType);
}

using System.Text;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// How a mode's enum value is written in settings, flags and docs: kebab case (<c>CaptureTime</c> is
/// <c>capture-time</c>), so that a setting keeps the spelling users already type.
/// </summary>
internal static class SettingValue
{
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => Kebab(value.ToString());

    public static string Name(object value) => Kebab(value.ToString()!);

    public static string[] Names(Type enumType) => Enum.GetNames(enumType).Select(Kebab).ToArray();

    /// <summary>The value named <paramref name="text"/> (exactly, in kebab case), if there is one.</summary>
    public static bool TryParse(Type enumType, string? text, out object? value)
    {
        value = Enum.GetValues(enumType).Cast<object>().FirstOrDefault(v => Name(v) == text?.Trim());
        return value is not null;
    }

    /// <summary>"latest or capture-time", "json or avro": what a message says is allowed.</summary>
    public static string Choices(Type enumType)
    {
        var names = Names(enumType);
        return names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }

    private static string Kebab(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}

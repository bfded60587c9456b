using System.Text;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// How a mode's enum value is written in settings, flags and docs: kebab case (<c>CaptureTime</c> is
/// <c>capture-time</c>), so that a setting keeps the spelling users already type. A <see cref="FlagsAttribute"/> enum
/// is a comma list of its names (<c>Src | Ip</c> is <c>src,ip</c>).
/// </summary>
internal static class SettingValue
{
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => Name((object)value);

    public static string Name(object value) => IsList(value.GetType())
        ? string.Join(',', value.ToString()!.Split(", ").Select(Kebab))
        : Kebab(value.ToString()!);

    public static string[] Names(Type enumType) => Enum.GetNames(enumType).Select(Kebab).ToArray();

    /// <summary>The value named <paramref name="text"/> (exactly, in kebab case), if there is one.</summary>
    /// <remarks>
    /// A list needs every part to be a name: "src,,ip" and "src,ipv4" are refused, not read as what they contain.
    /// </remarks>
    public static bool TryParse(Type enumType, string? text, out object? value)
    {
        if (!IsList(enumType)) return TryParseOne(enumType, text, out value);
        value = null;
        long bits = 0;
        foreach (var part in (text ?? "").Split(','))
        {
            if (!TryParseOne(enumType, part, out var one)) return false;
            bits |= Convert.ToInt64(one, System.Globalization.CultureInfo.InvariantCulture);
        }
        value = Enum.ToObject(enumType, bits);
        return true;
    }

    private static bool TryParseOne(Type enumType, string? text, out object? value)
    {
        value = Enum.GetValues(enumType).Cast<object>().FirstOrDefault(v => Kebab(v.ToString()!) == text?.Trim());
        return value is not null;
    }

    /// <summary>
    /// "latest or capture-time", "json or avro", "a comma list of src, dst, both, ip": what a message says is allowed.
    /// </summary>
    public static string Choices(Type enumType)
    {
        var names = Names(enumType);
        if (IsList(enumType)) return $"a comma list of {string.Join(", ", names)}";
        return names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }

    public static bool IsList(Type enumType) => enumType.IsDefined(typeof(FlagsAttribute), inherit: false);

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

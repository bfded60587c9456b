namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Makes a property of <see cref="PcapWatchSettings"/> a flag of <c>run</c>, with its help text. The flag, its help,
/// its default (the property's initial value), its allowed values and ranges (DataAnnotations on the property, checked
/// by the generated <see cref="PcapWatchSettingsValidator"/>) and the table in docs/operations.md all come from the
/// property: a new setting is one property.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SettingAttribute(string flag, string description) : Attribute
{
    public string Flag { get; } = flag;
    public string Description { get; } = description;

    /// <summary>
    /// Also a flag of <c>demo</c>: the setting decides what is attributed to whom, wherever the pipeline runs.
    /// </summary>
    public bool Demo { get; init; }

    /// <summary>What the table says when the default is not a value (computed at run time, or "none").</summary>
    public string? DefaultText { get; init; }
}

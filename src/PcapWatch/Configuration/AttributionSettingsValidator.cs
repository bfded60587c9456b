using Microsoft.Extensions.Options;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// What the settings that decide attribution need beyond their annotations (checked for <c>run</c> when its host
/// starts and for <c>demo</c> before it starts its broker): known DHCP servers that are addresses or MACs.
/// </summary>
internal sealed class AttributionSettingsValidator : IValidateOptions<PcapWatchSettings>
{
    public ValidateOptionsResult Validate(string? name, PcapWatchSettings s) =>
        Bindings.KnownDhcpServers.TryParse(PipelineOptionsFactory.DhcpServerEntries(s), out _, out _, out var bad)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"DhcpServers: '{bad}' is neither an IP address nor a MAC address");

    /// <summary>
    /// Every check of the settings <c>demo</c> shares with <c>run</c> (annotations, then these), as one
    /// <see cref="SettingsException"/>: demo has no host to run them at its start.
    /// </summary>
    public static void ThrowIfInvalid(PcapWatchSettings settings)
    {
        foreach (var validator in new IValidateOptions<PcapWatchSettings>[] { new PcapWatchSettingsValidator(), new AttributionSettingsValidator() })
        {
            var result = validator.Validate(null, settings);
            if (result.Failed) throw new SettingsException(result.FailureMessage);
        }
    }
}

using Microsoft.Extensions.Options;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Checks the DataAnnotations of <see cref="PcapWatchSettings"/>; the options source generator writes the body.
/// </summary>
[OptionsValidator]
internal sealed partial class PcapWatchSettingsValidator : IValidateOptions<PcapWatchSettings>;

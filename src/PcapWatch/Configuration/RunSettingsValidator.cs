using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// What <c>run</c> needs beyond the annotations, checked when the host starts (before anything connects or loads):
/// a broker list, a Schema Registry for Avro, a writable state directory, client properties librdkafka accepts and
/// that keep PcapWatch's guarantees (those allowed by <c>AllowUnsafeKafkaSettings</c> are logged as warnings).
/// </summary>
internal sealed class RunSettingsValidator(ILogger<RunSettingsValidator> log) : IValidateOptions<PcapWatchSettings>
{
    public ValidateOptionsResult Validate(string? name, PcapWatchSettings s)
    {
        var error = SettingsChecks.Bootstrap(s)
            ?? SettingsChecks.OutputFormat(s)
            ?? SettingsChecks.SchemaRegistry(s.SchemaRegistry)
            ?? SettingsChecks.WritableDirectory(s.StateDir)
            ?? SettingsChecks.ClientProperties(s.Kafka);
        if (error is not null) return ValidateOptionsResult.Fail(error);
        if (SettingsChecks.UnsafeKafkaSettings(s, out var allowed) is { } unsafeSettings) return ValidateOptionsResult.Fail(unsafeSettings);
        foreach (var finding in allowed) log.LogWarning("Unsafe Kafka setting allowed by AllowUnsafeKafkaSettings: {Finding}", finding);
        return ValidateOptionsResult.Success;
    }
}

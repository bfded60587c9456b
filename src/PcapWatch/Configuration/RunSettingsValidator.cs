using Microsoft.Extensions.Options;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// What <c>run</c> needs beyond the annotations, checked when the host starts (before anything connects or loads):
/// a broker list, a Schema Registry for Avro, a writable state directory, client properties librdkafka accepts and
/// that keep PcapWatch's guarantees.
/// </summary>
internal sealed class RunSettingsValidator : IValidateOptions<PcapWatchSettings>
{
    public ValidateOptionsResult Validate(string? name, PcapWatchSettings s)
    {
        try
        {
            SettingsLoader.RequireBootstrap(s);
            if (s.OutputFormat == Output.OutputFormat.Avro && !s.SchemaRegistry.ContainsKey(SettingsLoader.SchemaRegistryUrlKey))
            {
                return ValidateOptionsResult.Fail("OutputFormat avro needs a Schema Registry: pass --schema-registry URL or set SchemaRegistry:"
                    + SettingsLoader.SchemaRegistryUrlKey);
            }
            SettingsLoader.ValidateSchemaRegistry(s.SchemaRegistry);
            SettingsLoader.RequireWritableDirectory(s.StateDir);
            SettingsLoader.ValidateClientProperties(s.Kafka);
            SettingsLoader.RefuseUnsafeKafkaSettings(s);
            return ValidateOptionsResult.Success;
        }
        catch (SettingsException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}

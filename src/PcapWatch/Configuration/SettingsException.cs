namespace PcapWatch.Cli.Configuration;

/// <summary>A missing or invalid setting: start-up stops with this one-line message and exit code 2.</summary>
internal sealed class SettingsException(string message) : Exception(message)
{
    public const int ExitCode = 2;
}

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// A missing or invalid setting: start-up stops with this one-line message and exit code 2 (<see
/// cref="Cli.ExitCodes.Usage"/>).
/// </summary>
internal sealed class SettingsException(string message) : Exception(message);

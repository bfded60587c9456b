namespace PcapWatch.Cli;

/// <summary>Input a command was given cannot be used (file and line named): exit code 2, one line.</summary>
internal sealed class InputException(string message) : Exception(message);

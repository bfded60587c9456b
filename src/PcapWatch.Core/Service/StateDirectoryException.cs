namespace PcapWatch.Service;

/// <summary>The state dir cannot be used: a setting to change, not a fault of the program.</summary>
public sealed class StateDirectoryException(string message) : InvalidOperationException(message);

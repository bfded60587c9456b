using Microsoft.Extensions.Logging;

namespace PcapWatch.Dashboard;

/// <summary>Hands the web host's categories to the loggers the page was given (no logging set up of its own).</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

    // The factory is the caller's: it outlives the page.
    public void Dispose()
    {
    }
}

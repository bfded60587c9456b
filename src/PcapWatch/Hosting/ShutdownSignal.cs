using System.Runtime.InteropServices;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// Turns SIGINT and SIGTERM into a cancellation, so every command stops cleanly instead of being killed.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public ShutdownSignal()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we stop ourselves, after flushing and committing
        _cts.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cts.Dispose();
    }
}

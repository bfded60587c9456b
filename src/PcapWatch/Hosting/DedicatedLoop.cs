using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Hosting;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// A service loop on a thread of its own (it blocks in the Kafka client and must never hold a thread-pool thread) that
/// stops the host when it ends by itself, and keeps its failure to be rethrown after the host has stopped, so the
/// program still exits with its code.
/// </summary>
internal sealed class DedicatedLoop(string name, IHostApplicationLifetime lifetime)
{
    private ExceptionDispatchInfo? _failure;

    /// <summary>Rethrows what stopped the loop, if anything did.</summary>
    public void ThrowIfFailed() => _failure?.Throw();

    public Task Start(Action loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
            }
            catch (Exception ex)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                done.SetResult();
                lifetime.StopApplication();
            }
        })
        {
            Name = name,
            IsBackground = true, // past the host's shutdown timeout the process may end without it
        };
        thread.Start();
        return done.Task;
    }
}

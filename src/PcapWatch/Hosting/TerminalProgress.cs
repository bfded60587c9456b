using System.Diagnostics;

namespace PcapWatch.Cli.Hosting;

/// <summary>One self-overwriting line on a terminal: records, MB, MB/s and how far through the file.</summary>
internal sealed class TerminalProgress(TextWriter terminal, long totalBytes)
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.MinValue;

    public void Report(long records, long bytes)
    {
        if (_clock.Elapsed - _last < Every) return;
        _last = _clock.Elapsed;
        double mb = bytes / 1e6, seconds = Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        var percent = totalBytes > 0 ? $" {Math.Min(100, 100.0 * bytes / totalBytes):F0}%" : "";
        terminal.Write($"\r{records:N0} records, {mb:F1} MB, {mb / seconds:F1} MB/s{percent}   ");
        terminal.Flush();
    }

    public void Finish()
    {
        _last = TimeSpan.MinValue;
        terminal.WriteLine();
    }
}

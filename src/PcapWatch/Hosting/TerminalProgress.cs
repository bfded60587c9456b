using System.Diagnostics;

namespace PcapWatch.Cli.Hosting;

/// <summary>One self-overwriting line on a terminal: records, MB, MB/s and how far through the file.</summary>
internal sealed class TerminalProgress(TextWriter terminal, long totalBytes)
{
    private const long EveryMs = 250;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long? _lastMs;
    private long _records;
    private long _bytes;

    public void Report(long records, long bytes)
    {
        (_records, _bytes) = (records, bytes);
        long now = _clock.ElapsedMilliseconds;
        if (_lastMs is { } last && now - last < EveryMs) return;
        _lastMs = now;
        Write();
    }

    /// <summary>The final figures, then a newline so the log line that follows starts clean.</summary>
    public void Finish()
    {
        Write();
        terminal.WriteLine();
    }

    private void Write()
    {
        double mb = _bytes / 1e6, seconds = Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        // Records are counted without their line ends, so a whole file shows a little under 100 %.
        var percent = totalBytes > 0 ? $" {Math.Min(100, 100.0 * _bytes / totalBytes):F0}%" : "";
        terminal.Write($"\r{_records:N0} records, {mb:F1} MB, {mb / seconds:F1} MB/s{percent}   ");
        terminal.Flush();
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PcapWatch.Index;
using PcapWatch.Output;

namespace PcapWatch.Service;

/// <summary>
/// The periodic one-line status an operator watches: packets and matches per second since the last line, consumer lag,
/// dead letters, table rows, and whether the tables are current. Logged from the pipeline thread between batches.
/// </summary>
internal sealed class StatusLine(TimeSpan interval, PacketStage joiner, WatchIndexMaintainer maintainer, PipelineProgress progress,
    DeadLetterWriter deadLetters, ILogger log)
{
    private readonly ILogger _log = log;

    private readonly Stopwatch _since = Stopwatch.StartNew();
    private long _packets;
    private long _matches;

    public void LogIfDue()
    {
        if (interval <= TimeSpan.Zero || _since.Elapsed < interval) return;
        double seconds = _since.Elapsed.TotalSeconds;
        long packets = progress.Packets, matches = progress.Matches;
        _log.LogInformation(
            "Status: packets={Packets} ({PacketsPerSecond:F0}/s) matches={Matches} ({MatchesPerSecond:F0}/s) lag={Lag} "
            + "dlq={DeadLettered} employees={EmployeeRows} computers={ComputerRows} watched_macs={WatchedMacs} "
            + "tables_current={TablesCurrent} commits_blocked_s={CommitsBlockedSeconds}",
            packets, (packets - _packets) / seconds, matches, (matches - _matches) / seconds, joiner.Lag(), deadLetters.Count,
            maintainer.EmployeeRows, maintainer.ComputerRows, maintainer.Index.Count, progress.TablesCurrent, CommitsBlockedSeconds());
        _packets = packets;
        _matches = matches;
        _since.Restart();
    }

    // How long commits have been blocked (0: they go through), the figure an operator compares with the refusal budget.
    private long CommitsBlockedSeconds() => progress.CommitsBlockedSinceMs is var since and > 0
        ? Math.Max(0, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - since) / 1000)
        : 0;
}

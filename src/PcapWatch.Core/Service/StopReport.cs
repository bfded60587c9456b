using Microsoft.Extensions.Logging;
using PcapWatch.Bindings;
using PcapWatch.Packets;

namespace PcapWatch.Service;

/// <summary>
/// What a stopped instance did, as its summary and its last log lines (the tools and tests read them).
/// </summary>
internal sealed class StopReport(PipelineOptions options, PipelineProgress progress, ILogger log)
{
    public PipelineSummary Summarise(AssembledPipeline pipeline, TimeSpan elapsed)
    {
        var maintainer = pipeline.Maintainer;
        var summary = new PipelineSummary(progress.Packets, progress.Matches, pipeline.DeadLetters.Count, pipeline.DeadLetters.ByReason,
            maintainer.EmployeeRows, maintainer.ComputerRows, maintainer.Index.Count, elapsed);
        log.LogInformation(
            "Stopped: packets={Packets} matches={Matches} dlq={DeadLettered} instance={InstanceId} employees={EmployeeRows} "
            + "computers={ComputerRows} watched_macs={WatchedMacs} elapsed={Elapsed} dlq_by_reason={DeadLetteredByReason}",
            summary.Packets, summary.Matches, summary.DeadLettered, options.InstanceId, summary.EmployeeRows, summary.ComputerRows,
            summary.WatchedMacs, summary.Elapsed, summary.DeadLetteredByReason);
        if (pipeline.Changes.History is { } history)
        {
            log.LogInformation("History: versions={Versions} macs={Macs} older_versions={OlderVersions} "
                + "late_changes={LateChanges} judged_at_horizon={JudgedAtHorizon} instance={InstanceId}",
                history.VersionCount, history.MacCount, pipeline.Changes.OlderVersions, pipeline.Changes.LateChanges,
                history.JudgedAtHorizon, options.InstanceId);
        }
        if (pipeline.Shared is { } shared)
        {
            var reader = pipeline.BindingsReader;
            var counts = BindingCounts.Of(shared.Gate);
            log.LogInformation("Bindings: learned={Learned} published={Published} read_from_others={Adopted} late={Late} addresses={Addresses} "
                + "conflicts={Conflicts} releases={Releases} refused={Refused} evicted={Evicted} "
                + "flagged_macs={FlaggedMacs} times_clamped={TimesClamped} instance={InstanceId}",
                progress.BindingsLearned, shared.Published, reader?.Adopted ?? 0, reader?.Late ?? 0, counts.Addresses, counts.Conflicts,
                counts.Releases,
                counts.Refused, counts.Evicted, counts.FlaggedMacs, counts.TimesClamped, options.InstanceId);
        }
        if (pipeline.PassiveDns is { } names)
        {
            var by = pipeline.Packets.MatchesByNameSource;
            log.LogInformation("Names: matches sni={Sni} http={Http} dns={Dns} dns_answer={DnsAnswer} dns_answer_seen={DnsAnswerSeen} "
                + "unnamed={Unnamed}; answers_learned={Learned} published={Published} read_from_others={Adopted} unreadable={Unreadable} "
                + "addresses={Addresses} evicted={Evicted} instance={InstanceId}", by[(int)NameSource.Sni], by[(int)NameSource.Http],
                by[(int)NameSource.Dns], by[(int)NameSource.DnsAnswer], by[(int)NameSource.DnsAnswerSeen], by[(int)NameSource.None],
                names.Learned, pipeline.SharedNames?.Published ?? 0, names.Adopted, pipeline.NamesReader?.Unreadable ?? 0, names.Addresses,
                names.Evicted, options.InstanceId);
        }
        return summary;
    }
}

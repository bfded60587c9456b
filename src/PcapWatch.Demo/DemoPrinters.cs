using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Tools;

namespace PcapWatch.Demo;

/// <summary>
/// What the demo prints from: the matches (<see cref="MatchTail"/>), or with <c>--flows</c> the flow records made from
/// <c>WATCHED_EMP_PACKETS</c> (<see cref="FlowTail"/>; the matches are still read, unprinted, so that the feeder's pacing
/// sees both topics drained).
/// </summary>
internal sealed class DemoPrinters : IDisposable
{
    private readonly MatchTail _matches;
    private readonly FlowTail? _flows;

    public DemoPrinters(string bootstrap, TopicNames topics, DemoOptions options, TextWriter output, KafkaConnectivity kafka,
        ILoggerFactory loggers, IReadOnlyDictionary<string, string> fetch, CancellationToken cancel)
    {
        var view = new MatchView(options.ProtocolsLike, options.Json);
        _matches = new MatchTail(bootstrap, topics.Output, fromBeginning: true, v => view.Render(v), options.Flows ? TextWriter.Null : output, kafka,
            loggers.CreateLogger<MatchTail>(), fetch, cancel, repeats: new RepeatFilter());
        if (!options.Flows) return;
        try
        {
            _flows = new FlowTail(bootstrap, topics.WatchedPackets, options.FlowTimeouts, new FlowView(options.Json), output, kafka,
                loggers.CreateLogger<FlowTail>(), fetch, cancel);
        }
        catch
        {
            _matches.Dispose();
            throw;
        }
    }

    /// <summary>Bytes read from the topics the pipeline writes, for the feeder's pacing.</summary>
    public long ConsumedBytes => _matches.ConsumedBytes + (_flows?.ConsumedBytes ?? 0);

    /// <summary>Lines printed: matches, or flow records.</summary>
    public long Printed => _flows?.Printed ?? _matches.Printed;

    public void Poll(TimeSpan wait)
    {
        _matches.Poll(wait);
        _flows?.Poll(TimeSpan.Zero);
    }

    /// <summary>Reads both topics to their current end; then every flow still open is closed and printed.</summary>
    public void Finish(CancellationToken cancel)
    {
        _matches.ReadToCurrentEnd(cancel);
        if (_flows is null) return;
        _flows.ReadToCurrentEnd(cancel);
        _flows.EndAll();
    }

    public void Dispose()
    {
        _flows?.Dispose();
        _matches.Dispose();
    }
}

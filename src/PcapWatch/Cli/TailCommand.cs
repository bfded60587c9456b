using System.CommandLine;
using PcapWatch.Cli.Hosting;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary><c>tail</c>: prints the output topic, as the recipe's SELECT shows it.</summary>
internal static class TailCommand
{
    public static Command Create()
    {
        var reader = new OutputReaderOptions();
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the oldest record, not the newest" };
        var exitAtEnd = new Option<bool>("--exit-at-end") { Description = "Exit once every partition has been read to its end" };
        var withRepeats = new Option<bool>("--with-repeats")
        {
            Description = "Print every record the topic holds, also a match produced again after a crash (by default each match once)",
        };
        var like = CommonOptions.ProtocolsLike();
        var format = CommonOptions.OutputFormat();
        var flows = new Option<bool>("--flows")
        {
            Description = "Print flow records (WATCHED_EMP_FLOWS, made by run --flows) instead of matches: employee | proto | local → remote | "
                + "packets and bytes each way | duration | end reason; each record once, by (C_MACADDR, FLOW_ID, FIRST_SEEN, SEQ)",
        };
        var topic = new Option<string>("--topic")
        {
            Description = $"Topic to read (default {TopicNames.Default.Output}; with --flows {TopicNames.Default.Flows})",
        };
        var command = new Command("tail", "Print matches: 'EMP_NAME | FRAME_PROTOCOLS | IP_DST', as the recipe's SELECT shows them."
            + CommonOptions.Examples(
                "pcapwatch tail -b localhost:9092",
                "pcapwatch tail -b localhost:9092 --from-beginning --exit-at-end --protocols-like '%http'",
                "pcapwatch tail -b localhost:9092 --format json | jq .C_EMP_NAME",
                "pcapwatch tail -b localhost:9092 --flows --from-beginning"))
        {
            fromBeginning, exitAtEnd, withRepeats, like, format, flows, topic,
        };
        reader.AddTo(command);
        command.SetAction(parse =>
        {
            var (settings, servers, timeout) = reader.Load(parse);
            using var signal = new ShutdownSignal();
            bool json = parse.GetValue(format) == "json", onFlows = parse.GetValue(flows), allRecords = parse.GetValue(withRepeats);
            var view = new MatchView(parse.GetValue(like), json);
            var flowLines = onFlows ? new FlowLines(new FlowView(json), allRecords ? null : new Flows.FlowRepeats(), parse.GetValue(like)) : null;
            using var decoder = onFlows ? null : new MatchValueDecoder(settings.SchemaRegistry);
            var source = parse.GetValue(topic) ?? (onFlows ? TopicNames.Default.Flows : TopicNames.Default.Output);
            using var tail = new MatchTail(servers, source, parse.GetValue(fromBeginning),
                flowLines is null ? v => view.Render(v) : flowLines.Render, Console.Out, ToolLogging.Kafka,
                ToolLogging.Loggers.CreateLogger("PcapWatch.Tools.MatchTail"), settings.Kafka.Consumer, signal.Token, decoder, timeout,
                repeats: onFlows || allRecords ? null : new RepeatFilter());
            if (parse.GetValue(exitAtEnd))
            {
                tail.RunToEnd(signal.Token);
            }
            else
            {
                while (!signal.Token.IsCancellationRequested) tail.Poll(TimeSpan.FromMilliseconds(200));
            }
            Console.Out.Flush();
            SaySkipped(tail, flowLines);
            return 0;
        });
        return command;
    }

    private static void SaySkipped(MatchTail tail, FlowLines? flowLines)
    {
        long repeats = tail.Repeats?.Repeats ?? flowLines?.Repeats?.Repeats ?? 0, unverifiable = tail.Repeats?.Unverifiable ?? 0;
        if (tail.Unreadable.Count == 0 && repeats == 0 && unverifiable == 0) return;
        Serilog.Log.Write(tail.Unreadable.Count > 0 ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Information,
            "Tail: {Printed} printed, {Repeats} repeats not printed again, {Unverifiable} without an origin, "
            + "{Unreadable} unreadable records skipped", tail.Printed, repeats, unverifiable, tail.Unreadable.Count);
    }
}

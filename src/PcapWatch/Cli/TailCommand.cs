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
        var topic = new Option<string>("--topic")
        {
            Description = "Topic to read",
            DefaultValueFactory = _ => TopicNames.Default.Output,
        };
        var command = new Command("tail", "Print matches: 'EMP_NAME | FRAME_PROTOCOLS | IP_DST', as the recipe's SELECT shows them."
            + CommonOptions.Examples(
                "pcapwatch tail -b localhost:9092",
                "pcapwatch tail -b localhost:9092 --from-beginning --exit-at-end --protocols-like '%http'",
                "pcapwatch tail -b localhost:9092 --format json | jq .C_EMP_NAME"))
        {
            fromBeginning, exitAtEnd, withRepeats, like, format, topic,
        };
        reader.AddTo(command);
        command.SetAction(parse =>
        {
            var (settings, servers, timeout) = reader.Load(parse);
            using var signal = new ShutdownSignal();
            var view = new MatchView(parse.GetValue(like), parse.GetValue(format) == "json");
            using var decoder = new MatchValueDecoder(settings.SchemaRegistry);
            using var tail = new MatchTail(servers, parse.GetValue(topic)!, parse.GetValue(fromBeginning),
                view, Console.Out, ToolLogging.Kafka, ToolLogging.Loggers.CreateLogger("PcapWatch.Tools.MatchTail"), settings.Kafka.Consumer,
                signal.Token, decoder, timeout, repeats: parse.GetValue(withRepeats) ? null : new RepeatFilter());
            if (parse.GetValue(exitAtEnd))
            {
                tail.RunToEnd(signal.Token);
            }
            else
            {
                while (!signal.Token.IsCancellationRequested) tail.Poll(TimeSpan.FromMilliseconds(200));
            }
            Console.Out.Flush();
            long repeats = tail.Repeats?.Repeats ?? 0, unverifiable = tail.Repeats?.Unverifiable ?? 0;
            if (tail.Unreadable.Count > 0 || repeats > 0 || unverifiable > 0)
            {
                Serilog.Log.Write(tail.Unreadable.Count > 0 ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Information,
                    "Tail: {Printed} printed, {Repeats} repeats not printed again, {Unverifiable} without an origin, "
                    + "{Unreadable} unreadable records skipped", tail.Printed, repeats, unverifiable, tail.Unreadable.Count);
            }
            return 0;
        });
        return command;
    }
}

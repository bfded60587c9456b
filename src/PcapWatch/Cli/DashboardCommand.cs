using System.CommandLine;
using System.Net;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Dashboard;
using PcapWatch.Kafka;
using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary><c>dashboard</c>: the watched traffic as a web page, live, from the topics the instances write.</summary>
internal static class DashboardCommand
{
    public static Command Create()
    {
        var reader = new OutputReaderOptions();
        var web = new DashboardWebOptions();
        var output = new Option<string>("--topic")
        {
            Description = "The output topic to show",
            DefaultValueFactory = _ => TopicNames.Default.Output,
        };
        var changelog = CommonOptions.ChangelogTopic();
        var command = new Command("dashboard", "Serve a web page of the watched traffic: watched employees and their computers, "
            + "packets and bytes per protocol over event time, a live feed of matches, the 'who' search and, with --metrics, each "
            + "instance's health. Reads the output topic (every partition) and the index topic; read-only. Listens on 127.0.0.1 "
            + "unless --listen says otherwise; beyond loopback it needs users from the settings (Dashboard:Users, in the file or as "
            + "PCAPWATCH__Dashboard__Users__… environment variables; 'dashboard add-user' prints them)."
            + CommonOptions.Examples(
                "pcapwatch dashboard -b localhost:9092",
                "pcapwatch dashboard -b kafka:9092 --listen 0.0.0.0 --port 8080 --metrics http://pcapwatch-1:9464/metrics",
                "pcapwatch dashboard add-user alice --role analyst"))
        {
            output, changelog, AddUserCommand.Create(),
        };
        reader.AddTo(command);
        web.AddTo(command);
        command.SetAction(parse =>
        {
            var (settings, servers, timeout) = reader.Load(parse);
            using var signal = new ShutdownSignal();
            var options = web.Options(parse, settings, servers) with
            {
                Topics = TopicNames.Default with { Output = parse.GetValue(output)!, Changelog = parse.GetValue(changelog)! },
                KafkaTimeout = timeout,
            };
            DashboardWebOptions.Serve(options, signal.Token);
            return ExitCodes.Ok;
        });
        return command;
    }
}

using System.CommandLine;
using PcapWatch.Cli.Hosting;
using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.Cli;

/// <summary><c>run</c>: the service, until SIGINT/SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServers();
        var stateDir = new Option<string>("--state-dir")
        {
            Description = "Directory for the FASTER table stores",
            DefaultValueFactory = _ => "pcapwatch-state",
        };
        var groupId = new Option<string>("--group-id")
        {
            Description = "Consumer group for the pcap topic; instances with the same group share its partitions",
            DefaultValueFactory = _ => "pcapwatch",
        };
        var match = CommonOptions.Match();
        var changelogTopic = new Option<string>("--changelog-topic")
        {
            Description = "Topic that receives the watched-MAC index (key MAC, tombstone when a MAC stops being watched); '' for none",
            DefaultValueFactory = _ => TopicNames.Default.Changelog,
        };
        var checkpointInterval = new Option<double>("--checkpoint-interval")
        {
            Description = "Seconds between table checkpoints (taken only when the tables changed; always at shutdown)",
            DefaultValueFactory = _ => 30,
        };
        var instanceId = new Option<string?>("--instance-id")
        {
            Description = "Name of this instance in logs and summaries (default: HOST-PID); give each instance its own --state-dir",
        };
        var kafka = CommonOptions.KafkaProperties();
        var statusInterval = new Option<double>("--status-interval")
        {
            Description = "Seconds between one-line status logs (rates, lag, dead letters, table rows); 0 for none",
            DefaultValueFactory = _ => 30,
        };
        var command = new Command("run", "Run the service: load employees and computers, join pcap against the watched MACs, "
            + "produce matches to WATCHED_EMP_NETWORK_TRAFFIC. Scale out by starting more instances with the same --group-id")
        {
            bootstrap, stateDir, groupId, match, changelogTopic, checkpointInterval, instanceId, kafka, statusInterval,
        };
        command.SetAction(parse =>
        {
            using var signal = new ShutdownSignal();
            var options = new PipelineOptions
            {
                BootstrapServers = parse.GetValue(bootstrap)!,
                StateDir = Path.GetFullPath(parse.GetValue(stateDir)!),
                GroupId = parse.GetValue(groupId)!,
                Match = CommonOptions.ParseMatch(parse.GetValue(match)),
                Topics = TopicNames.Default with { Changelog = parse.GetValue(changelogTopic) ?? "" },
                PublishChangelog = !string.IsNullOrEmpty(parse.GetValue(changelogTopic)),
                CheckpointInterval = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(checkpointInterval))),
                KafkaProperties = CommonOptions.ParseKafkaProperties(parse.GetValue(kafka)),
                StatusInterval = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(statusInterval))),
            };
            if (parse.GetValue(instanceId) is { Length: > 0 } id) options = options with { InstanceId = id };
            new PcapWatchService(options).Run(signal.Token);
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using PcapWatch.Broker;
using PcapWatch.Cli.Hosting;
using PcapWatch.Kafka;
using Serilog;

namespace PcapWatch.Cli;

/// <summary><c>broker</c>: hosts the embedded Kafka broker until SIGINT/SIGTERM.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var partitions = new Option<string?>("--partitions")
        {
            Description = "Topics to create as TOPIC=N, comma-separated, over the defaults "
                + "pcap=8,employees=1,computers=1,WATCHED_EMP_NETWORK_TRAFFIC=4,COMP_WATCH_BY_MACADDR=1 and the .dlq topics",
        };
        var bootstrapFile = new Option<string?>("--bootstrap-file")
        {
            Description = "Also write the bare HOST:PORT to this file (atomically) once the broker is ready",
        };
        var command = new Command("broker", "Host the embedded Kafka broker (librdkafka's mock cluster) and create the topics. "
            + "It keeps only the newest ~5 MiB of each partition: spread large inputs over partitions."
            + CommonOptions.Examples(
                "pcapwatch broker --bootstrap-file /tmp/bootstrap &",
                "pcapwatch broker --partitions pcap=32,WATCHED_EMP_TRAFFIC_PER_MINUTE=1"))
        {
            partitions,
            bootstrapFile,
        };
        command.SetAction(parse =>
        {
            var layout = TopicLayout.Override(TopicLayout.For(TopicNames.Default), parse.GetValue(partitions));
            using var signal = new ShutdownSignal();
            using var broker = EmbeddedBroker.Start(log: ToolLogging.Kafka.Log);
            broker.CreateTopics(layout);
            Console.Out.WriteLine($"bootstrap: {broker.BootstrapServers}");
            Console.Out.Flush();
            if (parse.GetValue(bootstrapFile) is { } path) broker.WriteBootstrapFile(path);
            Log.Information("Broker ready at {Bootstrap} with topics {Topics}", broker.BootstrapServers,
                string.Join(", ", layout.Select(t => $"{t.Key}={t.Value}")));
            signal.Token.WaitHandle.WaitOne();
            Log.Information("Broker stopping");
            return 0;
        });
        return command;
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PcapWatch.Broker;
using PcapWatch.Ingest;
using PcapWatch.Kafka;
using PcapWatch.Service;
using PcapWatch.Tools;

namespace PcapWatch.Demo;

/// <summary>
/// Everything in one process: the embedded broker, the tables and packets from files, the service, and a reader of the
/// output topic that prints the matches. The packet feeder is paced to the pipeline and the printer, so inputs of any
/// size give exact results although the embedded broker keeps only ~5 MiB per partition.
/// </summary>
public sealed class EmbeddedDemo(ILoggerFactory loggers, KafkaConnectivity kafka)
{
    private readonly ILogger _log = loggers.CreateLogger<EmbeddedDemo>();

    /// <summary>
    /// The embedded broker answers a parked fetch only when its wait expires, not when data arrives, and the feeder
    /// waits for the pipeline to read each window: a short fetch wait keeps that loop tight.
    /// </summary>
    private static readonly Dictionary<string, string> LowLatencyFetch = new() { ["fetch.wait.max.ms"] = "5" };

    /// <param name="whileBrokerUp">Runs after the demo with its result and the broker's address, before the broker goes
    /// (demo --dashboard serves the page from it until Ctrl+C).</param>
    public DemoResult Run(DemoOptions options, TextWriter output, CancellationToken cancel,
        Action<DemoResult, string>? whileBrokerUp = null)
    {
        var clock = Stopwatch.StartNew();
        var topics = TopicNames.Default;
        using var broker = EmbeddedBroker.Start(log: kafka.Log);
        // One output partition: the printer's backlog is then the producer's backlog (and the output keeps packet
        // order).
        broker.CreateTopics(TopicLayout.For(topics, pcap: options.PcapPartitions, output: 1));
        _log.LogInformation("Embedded broker at {Bootstrap}", broker.BootstrapServers);

        using var publisher = new RecordPublisher(broker.BootstrapServers, log: loggers.CreateLogger<RecordPublisher>(), kafka: kafka);
        PublishFile(publisher, topics.Employees, options.EmployeesFile, InputFormat.Keyed, null, cancel);
        PublishFile(publisher, topics.Computers, options.ComputersFile, InputFormat.Keyed, null, cancel);

        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-demo-" + Guid.NewGuid().ToString("N"));
        var service = NewService(broker.BootstrapServers, options, stateDir);
        using var stopPipeline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var pipeline = Task.Factory.StartNew(() => service.Run(stopPipeline.Token), TaskCreationOptions.LongRunning);
        pipeline.ContinueWith(_ => stopFeeding.Cancel(), TaskContinuationOptions.OnlyOnFaulted);

        using var tail = new DemoPrinters(broker.BootstrapServers, topics, options, output, kafka, loggers, LowLatencyFetch, cancel);
        using var feedingDone = new ManualResetEventSlim();
        var printer = Task.Factory.StartNew(() =>
        {
            while (!feedingDone.IsSet && !cancel.IsCancellationRequested) tail.Poll(TimeSpan.FromMilliseconds(20));
        }, TaskCreationOptions.LongRunning);

        PublishResult fed;
        try
        {
            fed = FeedPackets(publisher, topics.Pcap, options, service, tail, pipeline, stopFeeding.Token);
        }
        finally
        {
            stopPipeline.Cancel();
        }
        PipelineSummary summary;
        try
        {
            summary = pipeline.GetAwaiter().GetResult();
        }
        finally
        {
            feedingDone.Set();
            printer.GetAwaiter().GetResult();
            TryDelete(stateDir);
        }
        tail.Finish(cancel);
        output.Flush();
        var result = new DemoResult(fed.Produced, fed.OversizedLines.Count, summary, tail.Printed, clock.Elapsed,
            options.Flows ? service.Progress.FlowPackets : null);
        whileBrokerUp?.Invoke(result, broker.BootstrapServers);
        return result;
    }

    private PcapWatchPipeline NewService(string bootstrap, DemoOptions options, string stateDir) => new(options.Pipeline(new PipelineOptions
    {
        BootstrapServers = bootstrap,
        StateDir = stateDir,
        GroupId = "pcapwatch-demo",
        ConsumerProperties = LowLatencyFetch,
        Flows = options.Flows,
    }), loggers);

    /// <summary>
    /// The packets, paced by the printer's backlog, and then the wait until the pipeline has read them all.
    /// </summary>
    private PublishResult FeedPackets(RecordPublisher publisher, string topic, DemoOptions options, PcapWatchPipeline service,
        DemoPrinters tail, Task<PipelineSummary> pipeline, CancellationToken stopFeeding)
    {
        try
        {
            var pacer = new BacklogPacer(options.PcapPartitions, service.Progress,
                () => service.Progress.MatchBytes + service.Progress.FlowPacketBytes - tail.ConsumedBytes, options.BacklogWindowBytes);
            var fed = PublishFile(publisher, topic, options.PcapFile, InputFormat.Pcap, pacer, stopFeeding);
            while (service.Progress.Packets < fed.Produced && !pipeline.IsCompleted) Thread.Sleep(5);
            return fed;
        }
        catch (OperationCanceledException) when (pipeline.IsFaulted)
        {
            return new PublishResult(0, 0, []);
        }
    }

    private PublishResult PublishFile(RecordPublisher publisher, string topic, string path, InputFormat format,
        IPublishPacer? pacer, CancellationToken cancel)
    {
        using var input = File.OpenRead(path);
        var result = publisher.Publish(topic, InputReader.Read(input, format), pacer, cancel: cancel);
        _log.LogInformation("Loaded {Records} records from {File} into {Topic}", result.Produced, path, topic);
        return result;
    }

    private void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException ex)
        {
            _log.LogWarning("Could not remove demo state {Dir}: {Reason}", dir, ex.Message);
        }
    }
}

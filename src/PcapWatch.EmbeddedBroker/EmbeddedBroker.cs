using System.Runtime.InteropServices;
using System.Text;
using PcapWatch.Broker.Native;
using PcapWatch.Kafka;

namespace PcapWatch.Broker;

/// <summary>
/// A Kafka-protocol broker hosted inside this process: librdkafka's mock cluster. Any Kafka client, in this process or
/// another, reaches it over TCP on 127.0.0.1 at <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// Limits of the mock (measured, see docs/architecture.md): each partition keeps only its newest ~5 MiB (older message
/// sets are dropped silently), AdminClient requests time out (topics are created here, through the host), no
/// compaction, and transactions only far enough that commit markers are real (aborted data is dropped by the mock
/// itself). Callers that write more than that must spread data over partitions or pace it.
/// </remarks>
public sealed unsafe class EmbeddedBroker : IDisposable
{
    private readonly object _gate = new();
    private nint _handle;
    private nint _cluster;

    // The logger the native log callback reaches through the handle's opaque pointer (freed with the handle).
    private GCHandle _log;

    private EmbeddedBroker(nint handle, nint cluster, string bootstrapServers, GCHandle log)
    {
        _log = log;
        _handle = handle;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>Starts a mock cluster with <paramref name="brokerCount"/> brokers on ephemeral loopback
    /// ports.</summary>
    /// <param name="log">Where the mock cluster's own log lines go (errors only).</param>
    public static EmbeddedBroker Start(int brokerCount = 1, Microsoft.Extensions.Logging.ILogger? log = null)
    {
        LibRdKafkaMock.EnsureResolver();
        const int errSize = 512;
        var errstr = stackalloc byte[errSize];
        var conf = LibRdKafkaMock.ConfNew();
        // The hosting handle never talks to a broker itself; keep its own logging to errors only, through Serilog.
        LibRdKafkaMock.ConfSet(conf, "log_level", "3", errstr, errSize);
        LibRdKafkaMock.ConfSetLogCallback(conf, &OnNativeLog);
        var logger = GCHandle.Alloc(log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        LibRdKafkaMock.ConfSetOpaque(conf, GCHandle.ToIntPtr(logger));
        var handle = LibRdKafkaMock.New(LibRdKafkaMock.ProducerType, conf, errstr, errSize);
        if (handle == 0)
        {
            logger.Free();
            LibRdKafkaMock.ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((nint)errstr)}");
        }

        nint cluster;
        // Its serving thread must never run a signal handler (SignalMask says why): it is started with all blocked.
        using (SignalMask.BlockAll()) cluster = LibRdKafkaMock.MockClusterNew(handle, brokerCount);
        if (cluster == 0)
        {
            LibRdKafkaMock.Destroy(handle);
            logger.Free();
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        // Consumer groups would otherwise wait 3 s before the first assignment.
        LibRdKafkaMock.MockGroupInitialRebalanceDelayMs(cluster, 0);
        var bootstraps = Marshal.PtrToStringUTF8(LibRdKafkaMock.MockClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("the mock cluster reported no bootstrap servers");
        return new EmbeddedBroker(handle, cluster, bootstraps, logger);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static void OnNativeLog(nint handle, int level, byte* facility, byte* message)
    {
        nint opaque = LibRdKafkaMock.Opaque(handle);
        if (opaque == 0 || GCHandle.FromIntPtr(opaque).Target is not Microsoft.Extensions.Logging.ILogger log) return;
        Microsoft.Extensions.Logging.LoggerExtensions.Log(log, KafkaClients.LevelOf((Confluent.Kafka.SyslogLevel)level),
            "mock cluster {Facility}: {KafkaMessage}", Marshal.PtrToStringUTF8((nint)facility), Marshal.PtrToStringUTF8((nint)message));
    }

    /// <summary>Creates a topic (AdminClient does not work against the mock; this is the way).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            var err = LibRdKafkaMock.MockTopicCreate(_cluster, topic, partitions, 1);
            if (err != 0)
            {
                var reason = Marshal.PtrToStringUTF8(LibRdKafkaMock.ErrorToString(err));
                throw new InvalidOperationException($"creating topic '{topic}' failed: {reason} ({err})");
            }
        }
    }

    /// <summary>Creates each topic of a layout (name → partition count).</summary>
    public void CreateTopics(IEnumerable<KeyValuePair<string, int>> layout)
    {
        foreach (var (topic, partitions) in layout) CreateTopic(topic, partitions);
    }

    /// <summary>Takes a broker down (connections refused and closed) until <see cref="SetUp"/>: an outage.</summary>
    public void SetDown(int brokerId = 1) => Control(c => LibRdKafkaMock.MockBrokerSetDown(c, brokerId), "set down");

    /// <summary>Brings a broker taken down by <see cref="SetDown"/> back.</summary>
    public void SetUp(int brokerId = 1) => Control(c => LibRdKafkaMock.MockBrokerSetUp(c, brokerId), "set up");

    /// <summary>
    /// Makes the next <paramref name="count"/> requests of a kind (a Kafka API key: 0 is Produce) fail with
    /// <paramref name="errorCode"/> (a Kafka protocol error code, e.g. 19 NOT_ENOUGH_REPLICAS, which clients retry).
    /// </summary>
    public void FailRequests(short apiKey, int count, int errorCode)
    {
        var errors = new int[count];
        Array.Fill(errors, errorCode);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            fixed (int* e = errors) LibRdKafkaMock.MockPushRequestErrorsArray(_cluster, apiKey, (nuint)count, e);
        }
    }

    /// <summary>Forgets the failures <see cref="FailRequests"/> queued for that kind of request.</summary>
    public void ClearRequestFailures(short apiKey) => Control(c =>
    {
        LibRdKafkaMock.MockClearRequestErrors(c, apiKey);
        return 0;
    }, "clear request errors");

    private void Control(Func<nint, int> call, string what)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            var err = call(_cluster);
            if (err != 0) throw new InvalidOperationException($"mock broker {what} failed: "
                + $"{Marshal.PtrToStringUTF8(LibRdKafkaMock.ErrorToString(err))}");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != 0) LibRdKafkaMock.MockClusterDestroy(_cluster);
            if (_handle != 0) LibRdKafkaMock.Destroy(_handle);
            if (_log.IsAllocated) _log.Free();
            _cluster = 0;
            _handle = 0;
        }
    }

    /// <summary>
    /// Writes the bare bootstrap address to <paramref name="path"/> atomically (temp file, then rename).
    /// </summary>
    public void WriteBootstrapFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, BootstrapServers + "\n", new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }
}

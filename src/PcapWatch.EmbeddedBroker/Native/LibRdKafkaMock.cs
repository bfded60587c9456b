using System.Reflection;
using System.Runtime.InteropServices;

namespace PcapWatch.Kafka.Native;

/// <summary>
/// P/Invoke surface of librdkafka's mock cluster (rdkafka_mock.h): the Kafka-protocol broker that lives inside the
/// native library Confluent.Kafka ships. Only the calls the embedded broker needs are declared.
/// </summary>
internal static unsafe partial class LibRdKafkaMock
{
    private const string Library = "librdkafka";

    internal const int ProducerType = 0; // RD_KAFKA_PRODUCER

    static LibRdKafkaMock() => NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaMock).Assembly, Resolve);

    /// <summary>Forces the static constructor (and so the resolver) to run before the first native call.</summary>
    internal static void EnsureResolver() { }

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    internal static partial nint ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ConfSet(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set_log_cb")]
    internal static partial void ConfSetLogCallback(nint conf, delegate* unmanaged[Cdecl]<nint, int, byte*, byte*, void> callback);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(nint conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    internal static partial nint New(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    internal static partial void Destroy(nint rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial nint MockClusterNew(nint rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial nint MockClusterBootstraps(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MockTopicCreate(nint cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    internal static partial void MockGroupInitialRebalanceDelayMs(nint cluster, int delayMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    internal static partial int MockBrokerSetDown(nint cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    internal static partial int MockBrokerSetUp(nint cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    internal static partial void MockPushRequestErrorsArray(nint cluster, short apiKey, nuint count, int* errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_clear_request_errors")]
    internal static partial void MockClearRequestErrors(nint cluster, short apiKey);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void MockClusterDestroy(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    internal static partial nint ErrorToString(int error);

    /// <summary>
    /// Finds the librdkafka build that loads on this machine. The package's default linux build needs libsasl2.so.3,
    /// which Debian 12 lacks; its centos8 build does not. Confluent.Kafka probes in the same order, so both end up
    /// with the same copy of the library.
    /// </summary>
    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library) return 0;
        foreach (var candidate in Candidates())
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        }
        return NativeLibrary.TryLoad(Library, assembly, searchPath, out var fallback) ? fallback : 0;
    }

    private static IEnumerable<string> Candidates()
    {
        var baseDir = AppContext.BaseDirectory;
        if (OperatingSystem.IsLinux())
        {
            var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            // A build keeps the package's runtimes folder; a publish for a runtime (the Dockerfile's) puts the files
            // beside the program. The first, librdkafka's glibc build, needs libsasl2; centos8's does not.
            foreach (var dir in new[] { Path.Combine(baseDir, "runtimes", rid, "native"), baseDir })
            {
                yield return Path.Combine(dir, "librdkafka.so");
                yield return Path.Combine(dir, "centos8-librdkafka.so");
                yield return Path.Combine(dir, "alpine-librdkafka.so");
            }
        }
        else if (OperatingSystem.IsMacOS())
        {
            var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "osx-arm64" : "osx-x64";
            yield return Path.Combine(baseDir, "runtimes", rid, "native", "librdkafka.dylib");
        }
        else if (OperatingSystem.IsWindows())
        {
            var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "win-arm64" : "win-x64";
            yield return Path.Combine(baseDir, "runtimes", rid, "native", "librdkafka.dll");
        }
    }
}

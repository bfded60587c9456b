using System.Reflection;
using System.Runtime.InteropServices;

namespace PcapWatch.Kafka.Native;

/// <summary>
/// Where librdkafka is, for the assemblies that call it directly (the pcap loop's batch reads, the embedded broker):
/// the same copy Confluent.Kafka loads. The package's default linux build needs libsasl2.so.3, which Debian 12 lacks;
/// its centos8 build does not. Confluent.Kafka probes in the same order, so both end up with the same library.
/// </summary>
public static class LibRdKafkaLocation
{
    /// <summary>The library name the P/Invoke declarations use.</summary>
    public const string Library = "librdkafka";

    /// <summary>A <see cref="NativeLibrary.SetDllImportResolver"/> resolver for <see cref="Library"/>.</summary>
    public static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
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

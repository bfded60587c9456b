using System.Reflection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.Tests.Architecture;

/// <summary>
/// No global state at the edges: the tools and the page log through the loggers and the Kafka connectivity they are
/// given (the program, the tests and the benchmarks each hand over their own), never through a static logger of theirs
/// or Serilog's process-wide one.
/// </summary>
public class NoGlobalLoggersTests
{
    private static readonly Assembly[] Edges =
    [
        typeof(PcapWatch.Tools.WatchLookup).Assembly, typeof(PcapWatch.Dashboard.DashboardServer).Assembly, typeof(PcapWatch.Demo.EmbeddedDemo).Assembly,
    ];

    [Test]
    public void The_tools_and_the_page_reference_no_serilog()
    {
        foreach (var assembly in Edges)
        {
            Assert.That(assembly.GetReferencedAssemblies().Select(a => a.Name), Has.None.StartsWith("Serilog"), assembly.GetName().Name);
        }
    }

    [Test]
    public void The_tools_and_the_page_keep_no_logger_or_kafka_connectivity_in_a_static()
    {
        var statics = Edges.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(f => (Type: t, f.Name, f.FieldType)))
            .Where(f => typeof(ILogger).IsAssignableFrom(f.FieldType) || typeof(ILoggerFactory).IsAssignableFrom(f.FieldType)
                        || f.FieldType == typeof(KafkaConnectivity) || f.FieldType.IsGenericType && f.FieldType.GetGenericArguments()
                            .Any(a => typeof(ILoggerFactory).IsAssignableFrom(a) || a == typeof(KafkaConnectivity)))
            .Select(f => $"{f.Type.FullName}.{f.Name}");
        Assert.That(statics, Is.Empty);
    }
}

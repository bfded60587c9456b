using System.Reflection;

namespace PcapWatch.Tests.Architecture;

/// <summary>The assemblies PcapWatch ships (the program's own aside), for the rules that hold across all of them.</summary>
internal static class ProductionAssemblies
{
    public static readonly Assembly[] All =
    [
        typeof(PcapWatch.Service.PipelineOptions).Assembly, typeof(PcapWatch.Tools.WatchLookup).Assembly,
        typeof(PcapWatch.Dashboard.DashboardServer).Assembly, typeof(PcapWatch.Broker.EmbeddedBroker).Assembly,
        typeof(PcapWatch.Demo.EmbeddedDemo).Assembly,
    ];
}

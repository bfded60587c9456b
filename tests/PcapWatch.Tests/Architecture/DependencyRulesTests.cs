using NetArchTest.Rules;
using NUnit.Framework;

namespace PcapWatch.Tests.Architecture;

/// <summary>
/// The arrows of the flow, ingest → tables → index → join → output, point one way in PcapWatch.Core: a stage may use
/// the stages before it, never one after it. Kafka/ is the client layer every stage may use, and uses none of them;
/// Service/ composes them all. The hot path's pure parts (Packets, Join) know no Kafka client, and the core knows no
/// command line and no terminal.
/// </summary>
public class DependencyRulesTests
{
    private const string Root = "PcapWatch.";
    private static readonly string[] Stages = ["Ingest", "Packets", "Tables", "Index", "Persistence", "Changelog", "Bindings", "Join", "Output"];

    // Each namespace, and what it must not use. Packets is the format layer the stages share. Index is in-memory
    // structures only: its changelog (Changelog, beside Output) and its history's file (Persistence) are adapters after it.
    // Bindings (what packets say about addresses, its table, its record and its sharing) comes after the index, before
    // the join that reads it.
    private static readonly Dictionary<string, string[]> MustNotUse = new()
    {
        ["Packets"] = ["Ingest", "Tables", "Index", "Join", "Output", "Service", "Changelog", "Persistence", "Kafka", "Confluent.Kafka", "Bindings"],
        ["Ingest"] = ["Tables", "Index", "Join", "Output", "Service", "Changelog", "Persistence", "Bindings"],
        ["Tables"] = ["Index", "Join", "Output", "Service", "Ingest", "Changelog", "Persistence", "Confluent.Kafka", "Bindings"],
        ["Index"] = ["Join", "Output", "Service", "Ingest", "Changelog", "Persistence", "Kafka", "Confluent.Kafka", "System.IO", "System.Net", "Bindings"],
        ["Persistence"] = ["Join", "Output", "Service", "Ingest", "Changelog", "Kafka", "Confluent.Kafka", "Bindings"],
        ["Changelog"] = ["Join", "Output", "Service", "Ingest", "Persistence", "Bindings"],
        ["Bindings"] = ["Join", "Output", "Service", "Ingest", "Changelog", "Persistence"],
        ["Join"] = ["Output", "Service", "Ingest", "Changelog", "Persistence", "Kafka", "Confluent.Kafka"],
        ["Output"] = ["Service", "Ingest", "Changelog", "Persistence", "Bindings"],
        ["Kafka"] = ["Ingest", "Packets", "Tables", "Index", "Join", "Output", "Service", "Changelog", "Persistence", "Bindings"],
    };

    public static IEnumerable<TestCaseData> Rules() =>
        MustNotUse.Select(r => new TestCaseData(r.Key, r.Value).SetName($"{r.Key}_does_not_use_{string.Join("_", r.Value.Select(v => v.Replace(".", "")))}"));

    [TestCaseSource(nameof(Rules))]
    public void Dependencies_point_one_way(string layer, string[] forbidden)
    {
        var names = forbidden.Select(f => f.Contains('.') ? f : Root + f).ToArray();
        var result = Types.InAssembly(typeof(RecordLimits).Assembly).That().ResideInNamespace(Root + layer)
            .ShouldNot().HaveDependencyOnAny(names).GetResult();
        Assert.That(result.SelectedTypesForTesting, Is.Not.Empty, $"no types in {Root}{layer}");
        Assert.That(result.IsSuccessful, Is.True,
            () => $"{Root}{layer} uses what comes after it: " + string.Join(", ", result.FailingTypes.Select(t => t.FullName)));
    }

    [Test]
    public void The_core_knows_no_command_line_and_no_terminal()
    {
        var result = Types.InAssembly(typeof(RecordLimits).Assembly).ShouldNot()
            .HaveDependencyOnAny("System.CommandLine", "System.Console", "PcapWatch.Tools", "PcapWatch.Cli").GetResult();
        Assert.That(result.IsSuccessful, Is.True, () => string.Join(", ", result.FailingTypes.Select(t => t.FullName)));
    }

    [Test]
    public void The_tools_ship_no_broker()
    {
        // tail, report and who read a real cluster's topics: the embedded broker belongs to the demo, tests and benchmarks.
        var references = typeof(PcapWatch.Tools.WatchLookup).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.That(references, Has.None.EqualTo(typeof(PcapWatch.Broker.EmbeddedBroker).Assembly.GetName().Name));
    }

    [Test]
    public void Every_stage_exists()
    {
        var namespaces = typeof(RecordLimits).Assembly.GetTypes().Select(t => t.Namespace).Distinct().ToHashSet();
        Assert.That(Stages.Select(s => Root + s), Is.SubsetOf(namespaces));
    }
}

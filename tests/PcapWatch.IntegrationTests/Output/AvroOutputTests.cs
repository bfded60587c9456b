using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Output;

/// <summary>
/// <c>--output-format avro</c>: matches in Confluent's wire format with the schema in a registry, decodable by
/// Confluent's own deserializer, and readable by the tools when they are given the registry.
/// </summary>
public class AvroOutputTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const string Alice = "02:50:57:00:00:02";

    [Test]
    public void Matches_are_avro_with_a_registered_schema_and_the_tools_read_them()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-avro-" + Guid.NewGuid().ToString("N"));
        using var registry = new FakeSchemaRegistry();
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        var b = broker.BootstrapServers;
        Infrastructure.Kafka.Produce(b, "employees", [("E100", """{"key":"E100","name":"Alice Example","watch_flag":"YES"}""")]);
        Infrastructure.Kafka.Produce(b, "computers", [("1", $$"""{"comp_id":1,"empkey":"E100","macaddr":"{{Alice}}"}""")]);
        Infrastructure.Kafka.Produce(b, "pcap", TestData.Lines(TestData.Fixture("netns-lan.json.ndjson")));
        long alicePackets = ExpectedCounts.CapturedFrom(Alice); // tshark's count

        using (var run = CliProcess.Start("run", "-b", b, "--state-dir", Path.Combine(scratch, "state"), "--output-format", "avro",
                   "--schema-registry", registry.Url))
        {
            Infrastructure.Kafka.WaitForCommittedToEnd(b, "pcapwatch", "pcap", Patience);
            run.Terminate();
            Assert.That(run.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero, () => string.Join("\n", run.Stderr));
            Assert.That(run.Summary(), Is.EqualTo((ExpectedCounts.CapturedPackets(), alicePackets, 0L)));
        }
        Assert.That(registry.Subjects.Keys, Is.EquivalentTo(new[] { "WATCHED_EMP_NETWORK_TRAFFIC-value" }), string.Join(", ", registry.Unknown));

        var raw = Infrastructure.Kafka.ReadRaw(b, TopicNames.Default.Output).Select(r => r.Value!).ToList();
        Assert.That(raw, Has.Count.EqualTo(alicePackets));
        int id = registry.Subjects["WATCHED_EMP_NETWORK_TRAFFIC-value"];
        Assert.That(raw, Is.All.Matches<byte[]>(v => v[0] == 0 && (v[1] << 24 | v[2] << 16 | v[3] << 8 | v[4]) == id), "Confluent framing");

        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var deserializer = new AvroDeserializer<GenericRecord>(client);
        var records = raw.Select(v => deserializer.DeserializeAsync(v, false,
            new SerializationContext(MessageComponentType.Value, TopicNames.Default.Output)).GetAwaiter().GetResult()).ToList();
        Assert.That(records.Select(r => r["C_EMP_NAME"]), Is.All.EqualTo("Alice Example"));
        Assert.That(records.Select(r => r["P_ETH_SRC"]), Is.All.EqualTo(Alice));
        Assert.That(records.Select(r => r["C_MACADDR"]), Is.All.EqualTo(Alice));
        Assert.That(records.Select(r => r["DIRECTION"]), Is.All.Null, "src mode keeps the recipe's columns");
        Assert.That(records.Select(r => r["ATTRIBUTION_CONTESTED"]), Is.All.Null, "not attributed by IP: the optional boolean is unset");
        var contested = ((Avro.RecordSchema)records[0].Schema).Fields.Single(f => f.Name == "ATTRIBUTION_CONTESTED");
        Assert.That(((Avro.UnionSchema)contested.Schema).Schemas.Select(x => x.Tag),
            Is.EqualTo(new[] { Avro.Schema.Type.Null, Avro.Schema.Type.Boolean }), "an optional boolean in the registered schema");
        Assert.That(records.Count(r => r["P_IP_SRC"] is null), Is.EqualTo(ExpectedCounts.CapturedArpFrom(Alice)), "ARP has no IP, as in the JSON output");

        using (var tail = CliProcess.Start("tail", "-b", b, "--from-beginning", "--exit-at-end", "--schema-registry", registry.Url))
        {
            Assert.That(tail.WaitForExit(Patience), Is.Zero, () => string.Join("\n", tail.Stderr));
            Assert.That(tail.Stdout.Where(l => l.Contains(" | ", StringComparison.Ordinal)).ToArray(),
                Has.Length.EqualTo(alicePackets).And.All.StartsWith("Alice Example | "));
        }
        using (var report = CliProcess.Start("report", "-b", b, "--schema-registry", registry.Url))
        {
            Assert.That(report.WaitForExit(Patience), Is.Zero, () => string.Join("\n", report.Stderr));
            Assert.That(report.Stdout.Skip(2).Sum(l => long.Parse(l.Split('|')[4])), Is.EqualTo(alicePackets));
        }
        using (var tail = CliProcess.Start("tail", "-b", b, "--from-beginning", "--exit-at-end"))
        {
            // Skipped and counted, with the hint: a record of Avro's shape is five bytes anyone can write.
            Assert.That(tail.WaitForExit(Patience), Is.Zero, () => string.Join("\n", tail.Stderr));
            Assert.That(tail.Logs, Has.Some.Contains("holds Avro records; pass --schema-registry"));
            Assert.That(tail.Logs, Has.Some.StartsWith("Tail: ").And.EndsWith($", {alicePackets} unreadable records skipped"));
            Assert.That(tail.Stdout.Where(l => l.Contains(" | ", StringComparison.Ordinal)), Is.Empty);
        }
        Directory.Delete(scratch, recursive: true);
    }

    [Test]
    public void Avro_without_a_registry_is_a_settings_error()
    {
        using var run = CliProcess.Start("run", "-b", "127.0.0.1:1", "--output-format", "avro",
            "--state-dir", Path.Combine(Path.GetTempPath(), "pcapwatch-avro-" + Guid.NewGuid().ToString("N")));
        Assert.That(run.WaitForExit(Patience), Is.EqualTo(2));
        Assert.That(run.Logs, Has.Some.Contains("OutputFormat avro needs a Schema Registry"));
    }
}

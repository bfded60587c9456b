using Microsoft.Extensions.Configuration;
using NUnit.Framework;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;

namespace PcapWatch.Cli.Tests.Hosting;

/// <summary>The host validates the settings it is given before anything starts, and says what is wrong in one line.</summary>
public class PipelineHostTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [TestCase("CheckpointIntervalSeconds", "0", "CheckpointIntervalSeconds")]
    [TestCase("CommitIntervalSeconds", "0", "CommitIntervalSeconds")]
    [TestCase("Match", "sideways", "Match must be a comma list of src, dst, both, ip")]
    [TestCase("Match", "src,,ip", "Match must be a comma list of src, dst, both, ip")]
    [TestCase("OutputFormat", "avro", "needs a Schema Registry")]
    [TestCase("Kafka:Consumer:no.such.property", "1", "No such configuration property")]
    [TestCase("NoSuchSetting", "1", "unknown setting(s) 'NoSuchSetting'")]
    public void Invalid_settings_stop_the_host_before_it_starts(string key, string value, string reason)
    {
        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-host-" + Guid.NewGuid().ToString("N"));
        var config = Settings(("Kafka:BootstrapServers", "127.0.0.1:1"), ("StateDir", stateDir), (key, value));
        try
        {
            var ex = Assert.Throws<SettingsException>(() => PipelineHost.Run(config, CancellationToken.None));
            Assert.That(ex!.Message, Does.Contain(reason));
            Assert.That(ex.Message, Does.Not.Contain(Environment.NewLine));
            // The checks may make the folder to see that it can be written; nothing of an instance is in it.
            var made = Directory.Exists(stateDir) ? Directory.EnumerateFileSystemEntries(stateDir).Select(Path.GetFileName).ToArray() : [];
            Assert.That(made, Is.Empty, "no lock, no marker, no store: the instance never started");
        }
        finally
        {
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
    }

    [Test]
    public void A_missing_broker_list_is_named_with_the_three_ways_to_give_it()
    {
        var ex = Assert.Throws<SettingsException>(() => PipelineHost.Run(Settings(), CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("--bootstrap-servers").And.Contain("PCAPWATCH__Kafka__BootstrapServers"));
    }

    [Test]
    public void A_stop_asked_before_the_host_has_started_ends_cleanly_without_starting_the_instance()
    {
        // SIGTERM in a process's first moments (an orchestrator stopping a pod it just started) cancels the host's start.
        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-host-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.DoesNotThrow(() => PipelineHost.Run(
                Settings(("Kafka:BootstrapServers", "127.0.0.1:1"), ("StateDir", stateDir)), new CancellationToken(canceled: true)));
        }
        finally
        {
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
    }
}

using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Settings the .NET way, through the real program: appsettings.json, then PCAPWATCH__ variables, then flags; every
/// bad setting stops start-up with one line and exit code 2; secrets never reach a log line.
/// </summary>
public class SettingsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "pcapwatch-settings-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<TestCaseData> BadSettings()
    {
        var none = new Dictionary<string, string>();
        yield return new TestCaseData(null, none, new[] { "run" }, "Kafka:BootstrapServers is not set").SetName("No_bootstrap_servers");
        yield return new TestCaseData(null, none, new[] { "run", "-b", "127.0.0.1:1", "--state-dir", "/proc/pcapwatch" },
            "is not a writable directory").SetName("Unwritable_state_dir");
        yield return new TestCaseData(null, none, new[] { "run", "-b", "127.0.0.1:1", "--no-such-flag" }, "--no-such-flag")
            .SetName("Unknown_flag");
        yield return new TestCaseData("""{"Kafka":{"BootstrapServers":"127.0.0.1:1"},"GroupID2":"x"}""", none, new[] { "run" },
            "unknown setting(s) 'GroupID2'").SetName("Unknown_key_in_appsettings");
        yield return new TestCaseData("""{"MetricsPort":"lots"}""", none, new[] { "run", "-b", "127.0.0.1:1" }, "MetricsPort")
            .SetName("Value_of_the_wrong_type_in_appsettings");
        yield return new TestCaseData("{ not json", none, new[] { "run", "-b", "127.0.0.1:1" }, "appsettings.json")
            .SetName("Appsettings_that_is_not_json");
        yield return new TestCaseData(null, new Dictionary<string, string> { ["PCAPWATCH__Match"] = "sideways" },
            new[] { "run", "-b", "127.0.0.1:1" }, "Match must be a comma list of src, dst, both, ip").SetName("Bad_value_from_the_environment");
        yield return new TestCaseData(null, none, new[] { "run", "-b", "127.0.0.1:1", "--match", "src,ipv4" },
            "Match must be a comma list of src, dst, both, ip").SetName("Bad_match_list_as_a_flag");
        yield return new TestCaseData(null, none, new[] { "demo", "--match", "src,,ip" },
            "--match 'src,,ip' is not a comma list of src, dst, both, ip").SetName("Bad_match_list_for_the_demo");
        yield return new TestCaseData(null, new Dictionary<string, string> { ["PCAPWATCH__Attribution"] = "whenever" },
            new[] { "run", "-b", "127.0.0.1:1" }, "Attribution must be latest or capture-time").SetName("Bad_attribution_from_the_environment");
        yield return new TestCaseData(null, none, new[] { "run", "-b", "127.0.0.1:1", "--history-retention", "0" },
            "HistoryRetentionHours").SetName("History_retention_out_of_range");
        yield return new TestCaseData(null, none, new[] { "demo", "--attribution", "sometimes" },
            "--attribution 'sometimes' is not latest or capture-time").SetName("Bad_attribution_for_the_demo");
        yield return new TestCaseData(null, none, new[] { "run", "-b", "127.0.0.1:1", "-X", "no.such.property=1" },
            "No such configuration property").SetName("Unknown_Kafka_client_property");
        yield return new TestCaseData(null, new Dictionary<string, string> { ["PCAPWATCH__Kafka__Producer__acks"] = "several" },
            new[] { "run", "-b", "127.0.0.1:1" }, "Kafka:Producer").SetName("Bad_Kafka_producer_value");
        yield return new TestCaseData(null, none, new[] { "run", "-b", "127.0.0.1:1", "--config", "/nonexistent/settings.json" },
            "does not exist").SetName("Missing_config_file");
        yield return new TestCaseData(null, none, new[] { "tail" }, "Kafka:BootstrapServers is not set").SetName("Tail_without_bootstrap");
    }

    [TestCaseSource(nameof(BadSettings))]
    public void Bad_settings_stop_start_up_with_one_line_and_exit_code_2(string? appsettings, Dictionary<string, string> environment,
        string[] args, string expected)
    {
        if (appsettings is not null) File.WriteAllText(Path.Combine(_dir, "appsettings.json"), appsettings);
        using var p = CliProcess.StartIn(_dir, environment, null, args);
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", p.Stderr));
        var lines = p.Logs.Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Has.Some.Contains(expected));
        Assert.That(lines, Has.Length.LessThanOrEqualTo(2), "a short, clear report, not a stack trace");
        Assert.That(Directory.Exists(Path.Combine(_dir, "pcapwatch-state", "employees")), Is.False, "nothing was started");
    }

    [Test]
    public void Flags_override_environment_which_overrides_appsettings()
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"),
            """{"Kafka":{"BootstrapServers":"127.0.0.1:1"},"GroupId":"from-file","InstanceId":"from-file","Match":"dst"}""");
        var env = new Dictionary<string, string> { ["PCAPWATCH__GroupId"] = "from-env", ["PCAPWATCH__InstanceId"] = "from-env" };

        Assert.That(SettingsLine([]), Does.Contain("group=from-file").And.Contain("match=dst"));
        Assert.That(SettingsLine(env), Does.Contain("group=from-env").And.Contain("match=dst"));
        Assert.That(SettingsLine(env, "--group-id", "from-flag", "--match", "both"), Does.Contain("group=from-flag").And.Contain("match=both"));
        Assert.That(SettingsLine(env, "--match", "src,ip"), Does.Contain("match=src,ip"));
    }

    [Test]
    public void Secrets_are_never_logged()
    {
        const string secret = "hunter2-do-not-log";
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"),
            """{"Kafka":{"BootstrapServers":"127.0.0.1:1","Producer":{"sasl.password":"SECRET-file"}}}""".Replace("SECRET", secret));
        var env = new Dictionary<string, string> { ["PCAPWATCH__Kafka__Consumer__sasl.password"] = secret + "-env" };
        using var p = CliProcess.StartIn(_dir, env, null, "run", "-X", $"sasl.username=alice", "-X", "ssl.key.password=" + secret + "-flag",
            "--log-level", "Debug");
        var line = p.WaitForLog("Settings:", Patience);
        p.Terminate();
        p.WaitForExit(Patience);
        Assert.That(line, Does.Contain("sasl.password=***").And.Contain("ssl.key.password=***").And.Contain("sasl.username=alice"));
        Assert.That(p.Stderr.Concat(p.Stdout), Has.None.Contains(secret));
    }

    [TestCase("-X", "sasl.oauthbearer.config=principal=alice secret=SECRET")]
    [TestCase("-X", "sasl.oauthbearer.client.secret=SECRET")]
    [TestCase("-X", "sasl.password=SECRET")]
    [TestCase("-X", "ssl.key.password=SECRET")]
    [TestCase("-X", "ssl.keystore.password=SECRET")]
    [TestCase("-X", "ssl.key.pem=-----BEGIN PRIVATE KEY-----SECRET")]
    [TestCase("-X", "sasl.oauthbearer.assertion.private.key.passphrase=SECRET")]
    [TestCase("--schema-registry", "http://alice:SECRET@127.0.0.1:1")]
    public void Every_kind_of_credential_is_masked(string flag, string setting)
    {
        const string secret = "s3cr3t-never-logged";
        var (line, output) = SettingsRun([], "-b", "127.0.0.1:1", "--state-dir", Path.Combine(_dir, "state"),
            flag, setting.Replace("SECRET", secret, StringComparison.Ordinal), "--log-level", "Debug");
        Assert.That(line, Does.Contain("***"));
        Assert.That(output, Has.None.Contains(secret));
    }

    [Test]
    public void Basic_auth_user_info_of_the_schema_registry_is_masked()
    {
        const string secret = "s3cr3t-never-logged";
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"),
            """{"SchemaRegistry":{"schema.registry.url":"http://127.0.0.1:1","basic.auth.user.info":"alice:SECRET","basic.auth.credentials.source":"USER_INFO"}}"""
                .Replace("SECRET", secret, StringComparison.Ordinal));
        var (line, output) = SettingsRun([], "-b", "127.0.0.1:1", "--state-dir", Path.Combine(_dir, "state"));
        Assert.That(line, Does.Contain("basic.auth.user.info=***"));
        Assert.That(output, Has.None.Contains(secret));
    }

    [Test]
    public void A_state_dir_with_files_pcapwatch_did_not_create_is_refused_and_left_alone()
    {
        var precious = Path.Combine(_dir, "precious");
        Directory.CreateDirectory(Path.Combine(precious, "employees"));
        File.WriteAllText(Path.Combine(precious, "employees", "salaries.xlsx"), "not ours");
        File.WriteAllText(Path.Combine(precious, "notes.txt"), "not ours either");

        using var p = CliProcess.StartIn(_dir, null, null, "run", "-b", "127.0.0.1:1", "--state-dir", precious);
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", p.Stderr));
        var lines = p.Logs.Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Has.Some.Contains("did not create").And.Some.Contains(precious));
        Assert.That(lines, Has.Length.LessThanOrEqualTo(2), "one clear line, no stack trace");
        Assert.That(File.ReadAllText(Path.Combine(precious, "employees", "salaries.xlsx")), Is.EqualTo("not ours"));
        Assert.That(File.Exists(Path.Combine(precious, "notes.txt")), Is.True);
    }

    [Test]
    public void The_documented_example_settings_file_binds()
    {
        // The README's example, with what cannot work here replaced by flags: no SASL_SSL broker (so no CA file to
        // load), no /var/lib. Every other setting comes from the file.
        var example = Path.Combine(Tests.Shared.TestData.RepositoryRoot, "samples", "appsettings.example.json");
        using var p = CliProcess.StartIn(_dir, null, null, "run", "--config", example, "-b", "127.0.0.1:1",
            "--state-dir", Path.Combine(_dir, "state"), "--metrics-port", "0", "-X", "security.protocol=PLAINTEXT");
        var line = p.WaitForLog("Settings:", Patience);
        p.Terminate();
        p.WaitForExit(Patience);
        Assert.That(line, Does.Contain("group=pcapwatch").And.Contain("sasl.mechanism=SCRAM-SHA-512").And.Contain("sasl.password=***")
            .And.Contain("compression.type=lz4"));
        Assert.That(p.Stderr, Has.None.Contains("set-me-from-a-secret-store"));
    }

    private string SettingsLine(Dictionary<string, string> environment, params string[] flags) => SettingsRun(environment, flags).Line;

    /// <summary>Starts run until it logs its settings line, then stops it: the line, and everything it wrote.</summary>
    private (string Line, string[] Output) SettingsRun(Dictionary<string, string> environment, params string[] flags)
    {
        using var p = CliProcess.StartIn(_dir, environment, null, ["run", .. flags]);
        var line = p.WaitForLog("Settings:", Patience);
        p.Terminate();
        p.WaitForExit(Patience);
        return (line, [.. p.Stderr, .. p.Stdout]);
    }
}

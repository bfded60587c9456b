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

    public static IEnumerable<TestCaseData> UnsafeKafkaSettings()
    {
        static Dictionary<string, string> Env(params (string Client, string Key, string Value)[] settings) =>
            settings.ToDictionary(s => $"PCAPWATCH__Kafka__{s.Client}__{s.Key}", s => s.Value);
        yield return new TestCaseData(Env(("Producer", "enable.idempotence", "false")), "run",
            "Kafka:Producer:enable.idempotence=false lets a retried record be written twice or out of order").SetName("Producer_without_idempotence");
        yield return new TestCaseData(Env(("Producer", "enable.idempotence", "false"), ("Producer", "acks", "1")), "run",
            "Kafka:Producer:acks=1 counts a record as delivered before every in-sync replica has it").SetName("Producer_acks_below_all");
        yield return new TestCaseData(Env(("Consumer", "enable.auto.commit", "true")), "run",
            "Kafka:Consumer:enable.auto.commit=true commits offsets on a timer").SetName("Consumer_auto_commit");
        yield return new TestCaseData(Env(("Consumer", "enable.auto.offset.store", "1")), "run",
            "Kafka:Consumer:enable.auto.offset.store=1 stores each offset as its record is read").SetName("Consumer_auto_offset_store");
        yield return new TestCaseData(Env(("Consumer", "isolation.level", "read_uncommitted")), "run",
            "Kafka:Consumer:isolation.level=read_uncommitted reads rows of aborted transactions").SetName("Consumer_read_uncommitted");
        yield return new TestCaseData(Env(("Consumer", "isolation.level", "read_uncommitted")), "tail",
            "Kafka:Consumer:isolation.level=read_uncommitted").SetName("A_tool_reading_uncommitted");
        yield return new TestCaseData(Env(("Producer", "enable.ssl.certificate.verification", "false")), "run",
            "Kafka:Producer:enable.ssl.certificate.verification=false accepts any broker certificate").SetName("Tls_without_verification");
        yield return new TestCaseData(Env(("Consumer", "ssl.endpoint.identification.algorithm", "none")), "run",
            "Kafka:Consumer:ssl.endpoint.identification.algorithm=none accepts a certificate issued for another host").SetName("Tls_without_host_check");
        yield return new TestCaseData(Env(("Consumer", "security.protocol", "SASL_PLAINTEXT"), ("Consumer", "sasl.mechanism", "PLAIN"),
                ("Consumer", "sasl.username", "alice"), ("Consumer", "sasl.password", "pw")), "run",
            "Kafka:Consumer:security.protocol=SASL_PLAINTEXT with SASL PLAIN sends the password in clear text").SetName("Password_in_clear_text");
        yield return new TestCaseData(Env(("Producer", "dotnet.producer.enable.delivery.reports", "false")), "run",
            "Kafka:Producer:dotnet.producer.enable.delivery.reports=false hides which records the broker refused").SetName("No_delivery_reports");
        yield return new TestCaseData(Env(("Producer", "dotnet.producer.delivery.report.fields", "key,value")), "run",
            "Kafka:Producer:dotnet.producer.delivery.report.fields=key,value drops what a refused record is produced again from")
            .SetName("Delivery_reports_without_the_record");
    }

    [TestCaseSource(nameof(UnsafeKafkaSettings))]
    public void Kafka_settings_that_void_a_guarantee_stop_start_up_with_one_line_naming_them(Dictionary<string, string> environment,
        string command, string expected)
    {
        string[] args = command == "run" ? ["run", "-b", "127.0.0.1:1", "--state-dir", Path.Combine(_dir, "state")] : [command, "-b", "127.0.0.1:1"];
        using var p = CliProcess.StartIn(_dir, environment, null, args);
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", p.Stderr));
        var lines = p.Logs.Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), "one line");
        Assert.That(lines[0], Does.Contain(expected).And.Contain("AllowUnsafeKafkaSettings"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "state", "employees")), Is.False, "nothing was started");
    }

    [Test]
    public void AllowUnsafeKafkaSettings_lets_them_through_with_a_warning_each()
    {
        var environment = new Dictionary<string, string>
        {
            ["PCAPWATCH__AllowUnsafeKafkaSettings"] = "true",
            ["PCAPWATCH__Kafka__Consumer__enable.auto.commit"] = "true",
        };
        var (line, output) = SettingsRun(environment, "-b", "127.0.0.1:1", "--state-dir", Path.Combine(_dir, "state"));
        Assert.That(line, Does.Contain("enable.auto.commit=true"));
        Assert.That(output, Has.Some.Contains("Unsafe Kafka setting allowed by AllowUnsafeKafkaSettings")
            .And.Some.Contains("Kafka:Consumer:enable.auto.commit=true"));
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

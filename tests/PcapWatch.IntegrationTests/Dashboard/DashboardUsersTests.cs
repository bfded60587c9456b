using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Ingest;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tools;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// Issue "A page fit for personal data": named users made by <c>dashboard add-user</c> (a salted password hash, a
/// token's hash), each with a role — a viewer gets counts and charts, never the packet feed or <c>who</c> — and an
/// audit trail of every read of personal data, to the log, <c>/api/audit</c> and DASHBOARD_AUDIT. The service and the
/// page as the program runs them; real HTTP.
/// </summary>
public class DashboardUsersTests
{
    private const string AnalystPassword = "a long analyst pass phrase";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public void Users_made_by_add_user_get_what_their_role_allows_and_every_read_is_audited()
    {
        var analyst = AddUser(AnalystPassword + "\n", "ana", "--role", "analyst");
        var viewer = AddUser(null, "vic", "--token", "--no-password");
        Assert.That(viewer.Token, Is.Not.Null.And.StartWith("pcw_"));
        Assert.That(string.Join("\n", analyst.Lines), Does.Not.Contain(AnalystPassword), "only the hash is printed");

        using var service = new ServiceHarness();
        var data = DashboardScenario.Samples;
        using (var publisher = new RecordPublisher(service.Broker.BootstrapServers))
        {
            Publish(publisher, service.Topics.Employees, data.Employees, InputFormat.Keyed);
            Publish(publisher, service.Topics.Computers, data.Computers, InputFormat.Keyed);
            service.Start();
            Publish(publisher, service.Topics.Pcap, data.Pcap, InputFormat.Pcap);
        }
        Infrastructure.Kafka.WaitUntil(() => service.Service.Progress.Matches >= data.Matches, Patience, "the service's matches");
        var settings = analyst.Environment.Concat(viewer.Environment).ToDictionary();
        settings["PCAPWATCH__Dashboard__AuditToTopic"] = "true";
        using var page = CliProcess.StartIn(null, settings, null, "dashboard", "-b", service.Broker.BootstrapServers, "--port", "0");
        var address = page.WaitForDashboardAddress(Patience);
        using var asAnalyst = Client(address, Basic("ana", AnalystPassword));
        using var asViewer = Client(address, new AuthenticationHeaderValue("Bearer", viewer.Token));
        Infrastructure.Kafka.WaitUntil(() => Get(asAnalyst, "api/health").GetProperty("matchesRead").GetInt64() >= data.Matches, Patience,
            "the matches on the page");

        Assert.That(Get(asAnalyst, "api/me").GetProperty("role").GetString(), Is.EqualTo("analyst"));
        Assert.That(Get(asViewer, "api/me").GetProperty("role").GetString(), Is.EqualTo("viewer"));
        var empId = Get(asViewer, "api/summary").GetProperty("employees")[0].GetProperty("empId").GetString()!;
        var chart = $"api/chart?emp={Uri.EscapeDataString(empId)}";
        foreach (var path in new[] { "api/summary", chart })
        {
            Assert.That(Status(asViewer, path), Is.EqualTo(HttpStatusCode.OK), $"a viewer reads counts and charts: {path}");
        }
        var records = new[] { "api/matches/recent?employee=Alice", "api/matches/stream", $"api/who/{data.Mac}", "api/audit", $"api/sites?emp={empId}" };
        foreach (var path in records)
        {
            Assert.That(Status(asViewer, path), Is.EqualTo(HttpStatusCode.Forbidden), $"a viewer reads no packet records: {path}");
        }
        foreach (var path in records.Where(p => !p.Contains("stream", StringComparison.Ordinal)))
        {
            Assert.That(Status(asAnalyst, path), Is.EqualTo(HttpStatusCode.OK), $"an analyst reads everything: {path}");
        }

        var longKey = new string('k', 80);
        Assert.That(Status(asAnalyst, $"api/matches/recent?{longKey}1=a&{longKey}2=b"), Is.EqualTo(HttpStatusCode.OK),
            "two query keys alike in their first 64 characters are audited, not a failure");

        // The trail: the page's own view (newest first), the log, and the topic, each saying who read what.
        var audit = Get(asAnalyst, "api/audit?limit=1000").EnumerateArray().ToList();
        Assert.That(audit.Count(e => IsEvent(e, "vic", "/api/summary", refused: false)), Is.EqualTo(1),
            "the viewer asked for the summary twice within a minute: recorded once (the page asks every 5 s)");
        Assert.That(audit.Any(e => IsEvent(e, "vic", "/api/who/" + data.Mac, refused: true)), "the viewer's refused who, audited");
        Assert.That(audit.Any(e => IsEvent(e, "vic", "/api/chart", refused: false) && e.GetProperty("query").GetProperty("emp").GetString() == empId),
            "the viewer's chart, with the employee looked up");
        Assert.That(audit.Any(e => IsEvent(e, "ana", "/api/matches/recent", refused: false)
            && e.GetProperty("query").TryGetProperty("employee", out var employee) && employee.GetString() == "Alice"), "the analyst's feed, with its filter");
        Assert.That(audit.Any(e => IsEvent(e, "ana", "/api/matches/recent", refused: false)
            && e.GetProperty("query").EnumerateObject().Count() == 1), "of the two long keys alike, the first is kept");
        Assert.That(audit.All(e => e.GetProperty("client").GetString() == "127.0.0.1"));
        Assert.That(audit.Any(e => e.GetProperty("path").GetString() is "/api/me" or "/api/health"), Is.False, "no personal data, no event");
        page.WaitForLog($"Dashboard audit: vic (viewer) from 127.0.0.1 was refused /api/who/{data.Mac}", Patience);
        Infrastructure.Kafka.WaitUntil(() => Infrastructure.Kafka.ReadAll(service.Broker.BootstrapServers, "DASHBOARD_AUDIT")
            .Any(r => r.Key == "ana" && r.Value!.Value.GetProperty("path").GetString() == "/api/matches/recent"), Patience, "the trail on DASHBOARD_AUDIT");

        page.Terminate();
        Assert.That(page.WaitForExit(Patience), Is.Zero, () => string.Join("\n", page.Logs));
        Assert.That(string.Join("\n", page.Logs), Does.Not.Contain(AnalystPassword).And.Not.Contain(viewer.Token!), "no secret is logged");
    }

    [Test]
    public void Add_user_refuses_a_short_password_a_bad_name_and_a_password_on_the_command_line()
    {
        var shortOne = Run("short pass\n", "dashboard", "add-user", "ana");
        Assert.That(shortOne.Code, Is.EqualTo(2));
        Assert.That(shortOne.Logs, Does.Contain("at least 12 characters"));
        var badName = Run(AnalystPassword + "\n", "dashboard", "add-user", "ana:admin");
        Assert.That((badName.Code, badName.Logs.Contains("cannot be a dashboard user's name", StringComparison.Ordinal)), Is.EqualTo((2, true)));
        var inFlags = Run(null, "dashboard", "add-user", "ana", "--password", AnalystPassword);
        Assert.That(inFlags.Code, Is.EqualTo(2), "there is no flag for a password: flags show in process lists");
        var nobody = Run(null, "dashboard", "add-user", "ana", "--no-password");
        Assert.That((nobody.Code, nobody.Logs.Contains("--no-password needs --token", StringComparison.Ordinal)), Is.EqualTo((2, true)));
    }

    [Test]
    public void A_plain_password_in_the_settings_is_refused_and_says_how_to_make_a_user()
    {
        using var page = CliProcess.StartIn(null, new Dictionary<string, string>
        {
            ["PCAPWATCH__Dashboard__User"] = "ana", ["PCAPWATCH__Dashboard__Password"] = AnalystPassword,
        }, null, "dashboard", "-b", "127.0.0.1:1", "--port", "0");
        Assert.That(page.WaitForExit(Patience), Is.EqualTo(2));
        Assert.That(string.Join("\n", page.Logs), Does.Contain("Dashboard:User is not read").And.Contain("dashboard add-user"));
        Assert.That(string.Join("\n", page.Logs), Does.Not.Contain(AnalystPassword));
    }

    private sealed record MadeUser(string[] Lines, Dictionary<string, string> Environment, string? Token);

    /// <summary>Runs <c>dashboard add-user</c> as a process; the environment lines and the token it printed.</summary>
    private static MadeUser AddUser(string? stdin, params string[] args)
    {
        var (code, stdout, logs) = Run(stdin, ["dashboard", "add-user", .. args]);
        Assert.That(code, Is.Zero, logs);
        var environment = stdout.Where(l => l.StartsWith("PCAPWATCH__", StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var token = stdout.SkipWhile(l => !l.StartsWith("# the token", StringComparison.Ordinal)).Skip(1).FirstOrDefault();
        return new MadeUser(stdout, environment, token);
    }

    private static (int Code, string[] Stdout, string Logs) Run(string? stdin, params string[] args)
    {
        string? input = null;
        if (stdin is not null)
        {
            input = Path.GetTempFileName();
            File.WriteAllText(input, stdin);
        }
        try
        {
            using var process = CliProcess.StartIn(null, null, input, args);
            int code = process.WaitForExit(Patience);
            return (code, process.Stdout, string.Join("\n", process.Logs));
        }
        finally
        {
            if (input is not null) File.Delete(input);
        }
    }

    private static bool IsEvent(JsonElement e, string user, string path, bool refused) =>
        e.GetProperty("user").GetString() == user && e.GetProperty("path").GetString() == path && e.GetProperty("refused").GetBoolean() == refused;

    private static HttpClient Client(Uri address, AuthenticationHeaderValue authorization)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = Patience };
        http.DefaultRequestHeaders.Authorization = authorization;
        return http;
    }

    private static JsonElement Get(HttpClient http, string path) => http.GetFromJsonAsync<JsonElement>(path).GetAwaiter().GetResult();

    private static HttpStatusCode Status(HttpClient http, string path)
    {
        using var response = http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        return response.StatusCode;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static void Publish(RecordPublisher publisher, string topic, string path, InputFormat format)
    {
        using var input = File.OpenRead(path);
        Assert.That(publisher.Publish(topic, InputReader.Read(input, format)).Produced, Is.GreaterThan(0), path);
    }
}

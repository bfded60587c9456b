using System.Net;
using System.Net.Http.Headers;
using System.Text;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Dashboard;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tools;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// The page shows who is watched: beyond loopback it answers only to credentials from the settings, and the program
/// refuses to listen there without them. In-process for the HTTP rules, as a separate process for the command.
/// </summary>
public class DashboardAccessTests
{
    private const string Token = "t0ken-for-the-access-tests", Password = "s3cret pass phrase";
    private EmbeddedBroker _broker = null!;

    [OneTimeSetUp]
    public void StartBroker()
    {
        _broker = EmbeddedBroker.Start();
        _broker.CreateTopics(TopicLayout.For(TopicNames.Default));
    }

    [OneTimeTearDown]
    public void StopBroker() => _broker.Dispose();

    private DashboardOptions Options(IPAddress listen, DashboardCredentials credentials) => new()
    {
        BootstrapServers = _broker.BootstrapServers, Port = 0, Listen = listen, Credentials = credentials, AllowHttp = true,
        KafkaTimeout = TimeSpan.FromSeconds(30),
    };

    [Test]
    public async Task Beyond_loopback_a_request_without_the_right_credentials_is_refused()
    {
        await using var server = await DashboardServer.StartAsync(Options(IPAddress.Any, TestUsers.Credentials(TestUsers.User("analyst", DashboardRole.Analyst, Password, Token))),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}/") };

        foreach (var path in new[] { "", "app.js", "api/summary", "api/matches/recent", "api/who/10.0.0.1", "api/matches/stream" })
        {
            using var anonymous = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), path);
            Assert.That(anonymous.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic"), "a browser is asked for the user and password");
        }
        foreach (var wrong in new[]
                 {
                     new AuthenticationHeaderValue("Bearer", Token + "x"),
                     new AuthenticationHeaderValue("Bearer", ""),
                     Basic("analyst", "wrong"),
                     Basic("someone", Password),
                     new AuthenticationHeaderValue("Basic", "not base64 at all"),
                 })
        {
            Assert.That(await StatusWith(http, wrong), Is.EqualTo(HttpStatusCode.Unauthorized), wrong.ToString());
        }
        Assert.That(await StatusWith(http, new AuthenticationHeaderValue("Bearer", Token)), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StatusWith(http, Basic("analyst", Password)), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Credentials_once_configured_are_required_on_loopback_too()
    {
        await using var server = await DashboardServer.StartAsync(Options(IPAddress.Loopback, TestUsers.Credentials(TestUsers.User("script", DashboardRole.Viewer, token: Token))),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Address };
        using var anonymous = await http.GetAsync("api/summary");
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(anonymous.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        Assert.That(await StatusWith(http, new AuthenticationHeaderValue("Bearer", Token)), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void Listening_beyond_loopback_without_credentials_is_refused_before_anything_listens()
    {
        var ex = Assert.ThrowsAsync<ArgumentException>(() => DashboardServer.StartAsync(Options(IPAddress.Any, DashboardCredentials.None),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("Dashboard:Users"));
    }

    [Test]
    public void The_command_refuses_an_open_address_without_credentials_and_takes_them_from_the_environment_never_logging_them()
    {
        using (var refused = CliProcess.Start("dashboard", "-b", _broker.BootstrapServers, "--listen", "0.0.0.0", "--port", "0"))
        {
            Assert.That(refused.WaitForExit(TimeSpan.FromSeconds(60)), Is.EqualTo(2));
            Assert.That(string.Join("\n", refused.Logs), Does.Contain("--listen 0.0.0.0 reaches beyond this machine").And.Contain("Dashboard:Users").And.Contain("add-user"));
        }

        var settings = TestUsers.Environment(TestUsers.User("script", DashboardRole.Analyst, token: Token));
        settings["PCAPWATCH__Dashboard__AllowHttp"] = "true";
        using var dashboard = CliProcess.StartIn(null, settings, null,
            "dashboard", "-b", _broker.BootstrapServers, "--listen", "0.0.0.0", "--port", "0");
        Infrastructure.Kafka.WaitUntil(() => dashboard.Stdout.Any(l => l.StartsWith("dashboard: ", StringComparison.Ordinal)) || dashboard.HasExited,
            TimeSpan.FromSeconds(60), "the dashboard's address");
        Assert.That(dashboard.HasExited, Is.False, () => string.Join("\n", dashboard.Logs));
        var port = new Uri(dashboard.Stdout.First(l => l.StartsWith("dashboard: ", StringComparison.Ordinal))["dashboard: ".Length..]).Port;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        Assert.That(http.GetAsync("api/summary").GetAwaiter().GetResult().StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(StatusWith(http, new AuthenticationHeaderValue("Bearer", Token)).GetAwaiter().GetResult(), Is.EqualTo(HttpStatusCode.OK));

        dashboard.Terminate();
        Assert.That(dashboard.WaitForExit(TimeSpan.FromSeconds(30)), Is.Zero, () => string.Join("\n", dashboard.Logs));
        Assert.That(string.Join("\n", dashboard.Stdout.Concat(dashboard.Stderr)), Does.Not.Contain(Token), "the token is never logged");
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpStatusCode> StatusWith(HttpClient http, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/summary");
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}

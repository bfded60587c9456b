using System.Net;
using System.Net.Http.Headers;
using System.Text;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Dashboard;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// Issue "A page fit for personal data": the Host check holds with credentials too, failed logins are logged with the
/// user's name and the client (never the password) and slowed per client. Real HTTP, the page in process with a clock
/// the test moves, and the command as a process for what it logs.
/// </summary>
public class DashboardLoginTests
{
    private const string User = "analyst";
    private const string Password = "correct horse battery staple";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private EmbeddedBroker _broker = null!;

    [OneTimeSetUp]
    public void StartBroker()
    {
        _broker = EmbeddedBroker.Start();
        _broker.CreateTopics(TopicLayout.For(TopicNames.Default));
    }

    [OneTimeTearDown]
    public void StopBroker() => _broker.Dispose();

    [Test]
    public async Task A_named_Host_is_refused_even_with_credentials_unless_it_is_allowed()
    {
        await using var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            BootstrapServers = _broker.BootstrapServers, Port = 0, Listen = IPAddress.Any, AllowHttp = true, KafkaTimeout = Patience,
            Credentials = TestUsers.Credentials(TestUsers.User(User, DashboardRole.Analyst, Password)), AllowedHosts = ["pcapwatch.example"],
        }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}/") };

        using (var rebound = await Send(http, "attacker.example", Basic(User, Password)))
        {
            Assert.That(rebound.StatusCode, Is.EqualTo(HttpStatusCode.MisdirectedRequest), "a DNS-rebound page must not read it");
            Assert.That(rebound.Headers.WwwAuthenticate, Is.Empty, "nor ask for the password under its own name");
        }
        using (var named = await Send(http, "pcapwatch.example", Basic(User, Password)))
        {
            Assert.That(named.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the name the operator allowed");
        }
        using var byAddress = await Send(http, $"127.0.0.1:{server.Address.Port}", Basic(User, Password));
        Assert.That(byAddress.StatusCode, Is.EqualTo(HttpStatusCode.OK), "an address cannot be rebound");
    }

    [Test]
    public async Task Failed_logins_are_slowed_per_client_until_the_lockout_ends()
    {
        var other = OtherAddressOfThisHost();
        if (other is null) Assert.Ignore("this machine has no address beyond loopback to be a second client");
        var clock = new ManualClock();
        await using var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            BootstrapServers = _broker.BootstrapServers, Port = 0, Listen = IPAddress.Any, AllowHttp = true, KafkaTimeout = Patience,
            Credentials = TestUsers.Credentials(TestUsers.User(User, DashboardRole.Analyst, Password)), Clock = clock,
        }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        using var guesser = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}/") };
        using var colleague = new HttpClient { BaseAddress = new Uri($"http://{other}:{server.Address.Port}/") };

        for (int guess = 1; guess <= LoginThrottle.FreeFailures + 1; guess++)
        {
            Assert.That(await Status(guesser, Basic(User, $"guess {guess}")), Is.EqualTo(HttpStatusCode.Unauthorized), $"guess {guess}");
        }
        using (var slowed = await Send(guesser, null, Basic(User, Password)))
        {
            Assert.That(slowed.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "locked out, even with the password");
            Assert.That(slowed.Headers.RetryAfter?.Delta, Is.EqualTo(LoginThrottle.FirstLockout));
        }
        Assert.That(await Status(colleague, Basic(User, Password)), Is.EqualTo(HttpStatusCode.OK), "another client is not slowed");

        clock.Advance(LoginThrottle.FirstLockout);
        Assert.That(await Status(guesser, Basic(User, "guess again")), Is.EqualTo(HttpStatusCode.Unauthorized), "the lockout ended");
        using (var longer = await Send(guesser, null, Basic(User, Password)))
        {
            Assert.That(longer.Headers.RetryAfter?.Delta, Is.EqualTo(LoginThrottle.FirstLockout * 2), "each further failure doubles it");
        }
        clock.Advance(LoginThrottle.FirstLockout * 2);
        Assert.That(await Status(guesser, Basic(User, Password)), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Status(guesser, Basic(User, "one slip")), Is.EqualTo(HttpStatusCode.Unauthorized), "a success starts afresh");
        Assert.That(await Status(guesser, Basic(User, Password)), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void The_command_logs_a_failed_login_with_the_user_and_the_client_never_the_password()
    {
        using var dashboard = CliProcess.StartIn(null, TestUsers.Environment(TestUsers.User(User, DashboardRole.Analyst, Password)), null,
            "dashboard", "-b", _broker.BootstrapServers, "--port", "0");
        var address = dashboard.WaitForDashboardAddress(Patience);
        using var http = new HttpClient { BaseAddress = address };

        Assert.That(Status(http, Basic(User, "not the password")).GetAwaiter().GetResult(), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Status(http, Basic("mallory\nforged line", Password)).GetAwaiter().GetResult(), Is.EqualTo(HttpStatusCode.Unauthorized));
        var failed = dashboard.WaitForLog("Dashboard login failed for user 'analyst' from 127.0.0.1", Patience);
        dashboard.WaitForLog("Dashboard login failed for user 'mallory?forged line'", Patience);

        dashboard.Terminate();
        Assert.That(dashboard.WaitForExit(Patience), Is.Zero, () => string.Join("\n", dashboard.Logs));
        Assert.That(failed, Does.Not.Contain("not the password"));
        Assert.That(string.Join("\n", dashboard.Logs), Does.Not.Contain(Password).And.Not.Contain("not the password"));
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> Send(HttpClient http, string? host, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/summary");
        if (host is not null) request.Headers.Host = host;
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request);
    }

    private static async Task<HttpStatusCode> Status(HttpClient http, AuthenticationHeaderValue authorization)
    {
        using var response = await Send(http, null, authorization);
        return response.StatusCode;
    }

    private static IPAddress? OtherAddressOfThisHost() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    /// <summary>A clock that moves only when the test says.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch.AddYears(56);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

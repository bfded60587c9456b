using System.Net;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Dashboard;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// The page's bounds (issue "A page fit for personal data"): live streams served at once, and the length of a feed
/// filter. The HTTP rules in process, the settings through the command as a process.
/// </summary>
public class DashboardBoundsTests
{
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
    public async Task One_stream_more_than_allowed_is_refused_with_429_until_one_ends()
    {
        await using var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            BootstrapServers = _broker.BootstrapServers, Port = 0, MaxStreams = 2, KafkaTimeout = Patience,
        }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Address };

        var first = await OpenStream(http);
        using var second = await OpenStream(http);
        Assert.That(new[] { first.StatusCode, second.StatusCode }, Is.All.EqualTo(HttpStatusCode.OK));
        using (var third = await OpenStream(http))
        {
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(third.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(await third.Content.ReadAsStringAsync(), Does.Contain("all 2 live streams are in use"));
        }
        Assert.That(await StatusOf(http, "api/summary"), Is.EqualTo(HttpStatusCode.OK), "the rest of the page still answers");

        first.Dispose(); // the client goes away: its slot is given back when the server sees it
        HttpResponseMessage? again = null;
        Infrastructure.Kafka.WaitUntil(() =>
        {
            again?.Dispose();
            again = OpenStream(http).GetAwaiter().GetResult();
            return again.StatusCode == HttpStatusCode.OK;
        }, Patience, "a stream once one has ended");
        again!.Dispose();
    }

    [TestCase("api/matches/recent")]
    [TestCase("api/matches/stream")]
    public async Task A_filter_longer_than_allowed_is_refused_with_400(string path)
    {
        await using var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            BootstrapServers = _broker.BootstrapServers, Port = 0, MaxPatternLength = 16, KafkaTimeout = Patience,
        }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Address };

        using (var longLike = await http.GetAsync($"{path}?like={new string('%', 17)}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.That(longLike.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await longLike.Content.ReadAsStringAsync(), Does.Contain("like: at most 16 characters"));
        }
        using (var longEmployee = await http.GetAsync($"{path}?employee={new string('e', 17)}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.That(longEmployee.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await longEmployee.Content.ReadAsStringAsync(), Does.Contain("employee: at most 16 characters"));
        }
        using var atTheLimit = await http.GetAsync($"{path}?like={new string('%', 16)}", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(atTheLimit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void The_command_takes_the_bounds_from_the_settings_and_refuses_a_bound_below_one()
    {
        using (var refused = CliProcess.StartIn(null, new Dictionary<string, string> { ["PCAPWATCH__Dashboard__MaxStreams"] = "0" }, null,
                   "dashboard", "-b", _broker.BootstrapServers, "--port", "0"))
        {
            Assert.That(refused.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", refused.Logs));
            Assert.That(string.Join("\n", refused.Logs), Does.Contain("Dashboard:MaxStreams and Dashboard:MaxPatternLength must be at least 1"));
        }

        using var dashboard = CliProcess.StartIn(null, new Dictionary<string, string> { ["PCAPWATCH__Dashboard__MaxStreams"] = "1" }, null,
            "dashboard", "-b", _broker.BootstrapServers, "--port", "0");
        var address = dashboard.WaitForDashboardAddress(Patience);
        using var http = new HttpClient { BaseAddress = address };
        using var first = OpenStream(http).GetAwaiter().GetResult();
        using var second = OpenStream(http).GetAwaiter().GetResult();
        Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.TooManyRequests)));

        dashboard.Terminate();
        Assert.That(dashboard.WaitForExit(Patience), Is.Zero, () => string.Join("\n", dashboard.Logs));
    }

    private static Task<HttpResponseMessage> OpenStream(HttpClient http) =>
        http.GetAsync("api/matches/stream", HttpCompletionOption.ResponseHeadersRead);

    private static async Task<HttpStatusCode> StatusOf(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }
}

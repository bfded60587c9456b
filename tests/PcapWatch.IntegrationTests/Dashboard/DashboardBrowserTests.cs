using Microsoft.Playwright;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// The page in a real headless Chromium (Debian's, driven by Playwright; nothing downloads a browser): it shows the
/// watched employee and their packets, a new match appears without a reload, the search answers, and packet fields
/// holding HTML and script are shown as text. Keeps a screenshot as a test artefact (the README's is made this way).
/// </summary>
public class DashboardBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private DashboardScenario _scenario = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private int _added; // matches the tests add to the data set, whichever order they run in

    [OneTimeSetUp]
    public async Task StartTheServiceTheDashboardAndChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            const string reason = "Chromium is not installed (apt-get install chromium; .ci/run does)";
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail(reason);
            Assert.Ignore(reason);
        }
        _scenario = new DashboardScenario(DashboardScenario.RecipeOrSamples);
        SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // This machine's network is closed: Chromium's own background connections would only fail.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        _scenario?.Dispose();
    }

    /// <summary>The page's script errors and console errors (a CSP violation is one), checked at the end of each test.</summary>
    private readonly List<string> _pageErrors = [];

    private async Task<IPage> OpenAsync()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        page.PageError += (_, error) => _pageErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _pageErrors.Add(message.Text);
        };
        await page.GotoAsync(_scenario.Dashboard.Address.ToString());
        return page;
    }

    [SetUp]
    public void ForgetPageErrors() => _pageErrors.Clear();

    [TearDown]
    public void NoPageErrors()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Passed)
        {
            Assert.That(_pageErrors, Is.Empty, "errors in the page's console");
        }
    }

    [Test]
    public async Task The_page_shows_the_watched_employee_and_their_packets_a_new_match_without_reload_and_the_search_answer()
    {
        var data = _scenario.Data;
        var page = await OpenAsync();
        var row = page.Locator("#employees tbody tr", new PageLocatorOptions { HasText = data.Employee });
        await Expect(row.Locator("td.packets")).ToHaveTextAsync((data.Matches + _added).ToString());
        await Expect(row.Locator("td.mac")).ToContainTextAsync(data.Mac);
        await Expect(page.Locator("#charts figure img").First).ToBeVisibleAsync();

        var label = "browser-" + Guid.NewGuid().ToString("N");
        Interlocked.Increment(ref _added);
        _scenario.Service.Packets(TestPackets.Recipe(data.Mac, label, protocols: "eth:ethertype:ip:tcp:http"));
        await Expect(page.Locator($"#feed li .time[title='captured {label}']")).ToHaveCountAsync(1);
        Assert.That(await page.Locator("#feed li").First.Locator(".time").GetAttributeAsync("title"), Is.EqualTo("captured " + label),
            "newest first");

        await page.Locator("#who-input").FillAsync(data.Mac.ToUpperInvariant());
        await page.Locator("#who-form button").ClickAsync();
        await Expect(page.Locator("#who-answer")).ToContainTextAsync($"watched — {data.Employee}");

        await Expect(row.Locator("td.packets")).ToHaveTextAsync((data.Matches + _added).ToString());
        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"dashboard-{data.Name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        TestContext.AddTestAttachment(screenshot, "the dashboard after the data set and one live match");
    }

    [Test]
    public async Task Untrusted_packet_fields_holding_HTML_and_script_are_shown_as_text()
    {
        const string payload = "<img src=x onerror=window.pwned=1><script>window.pwned=2</script>";
        var page = await OpenAsync();
        await Expect(page.Locator("#employees tbody tr").First).ToBeVisibleAsync();

        var label = "xss-" + Guid.NewGuid().ToString("N");
        Interlocked.Increment(ref _added);
        _scenario.Service.Packets(TestPackets.Recipe(_scenario.Data.Mac, label, protocols: "eth:ethertype:ip:udp:" + payload));
        var item = page.Locator($"#feed li:has(.time[title='captured {label}'])");
        await Expect(item).ToContainTextAsync(payload);
        // The feed's LIKE filter over the same field: only that match is left, still as text.
        await page.Locator("#feed-like").FillAsync("%<script>%");
        await Expect(page.Locator("#feed li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#feed li").First).ToContainTextAsync(payload);

        var injected = await page.EvaluateAsync<int>(
            "() => document.querySelectorAll('#feed img, #feed script, #employees img, #employees script').length");
        var pwned = await page.EvaluateAsync<bool>("() => window.pwned !== undefined");
        Assert.That((injected, pwned), Is.EqualTo((0, false)), "the packet's HTML became elements or its script ran");
    }

    /// <summary>
    /// A viewer signs in (HTTP Basic, as a browser does) and sees the employees and their charts, not the live feed nor
    /// the search, which the page would refuse them; and nothing on the page fails for it.
    /// </summary>
    [Test]
    public async Task A_viewer_sees_counts_and_charts_and_no_feed_or_search()
    {
        const string password = "the viewer's pass phrase";
        await using var viewerPage = await PcapWatch.Dashboard.DashboardServer.StartAsync(new PcapWatch.Dashboard.DashboardOptions
        {
            BootstrapServers = _scenario.Service.Broker.BootstrapServers, Port = 0, KafkaTimeout = Patience,
            Credentials = TestUsers.Credentials(TestUsers.User("vic", PcapWatch.Dashboard.DashboardRole.Viewer, password)),
        }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            HttpCredentials = new HttpCredentials { Username = "vic", Password = password },
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => _pageErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _pageErrors.Add(message.Text);
        };
        await page.GotoAsync(viewerPage.Address.ToString());

        await Expect(page.Locator("#me")).ToHaveTextAsync("vic (viewer)");
        await Expect(page.Locator("#employees tbody tr", new PageLocatorOptions { HasText = _scenario.Data.Employee })).ToBeVisibleAsync();
        await Expect(page.Locator("#charts figure img").First).ToBeVisibleAsync();
        await Expect(page.Locator("#feed-section")).ToBeHiddenAsync();
        await Expect(page.Locator("#who-section")).ToBeHiddenAsync();
        Assert.That(await page.Locator("#feed li").CountAsync(), Is.Zero, "no packet reached the page");
    }

    /// <summary>
    /// Issue "What did they visit?": a match's name (run --names) is shown in the live feed beside its address and in
    /// the employee's sites table, as text however it is written.
    /// </summary>
    [Test]
    public async Task A_matchs_name_is_shown_in_the_feed_as_text()
    {
        const string name = "<b>bank.example</b><script>window.pwned=3</script>";
        var page = await OpenAsync();
        await Expect(page.Locator("#employees tbody tr").First).ToBeVisibleAsync();
        var match = _scenario.Get("api/matches/recent?limit=1").GetProperty("items")[0];
        var label = "named-" + Guid.NewGuid().ToString("N");
        Interlocked.Increment(ref _added);
        var record = new System.Text.Json.Nodes.JsonObject
        {
            ["P_FRAME_TIME"] = label, ["P_FRAME_LEN"] = "60", ["P_FRAME_PROTOCOLS"] = "eth:ethertype:ip:tcp", ["P_ETH_SRC"] = _scenario.Data.Mac,
            ["P_IP_SRC"] = "10.0.0.2", ["P_IP_DST"] = "192.0.2.80", ["C_EMP_ID"] = match.GetProperty("empId").GetString(),
            ["C_EMP_NAME"] = _scenario.Data.Employee, ["C_MACADDR"] = _scenario.Data.Mac, ["P_NAME"] = name, ["P_NAME_SOURCE"] = "dns-answer",
        };
        Infrastructure.Kafka.Produce(_scenario.Service.Broker.BootstrapServers, _scenario.Service.Topics.Output, [(_scenario.Data.Mac, record.ToJsonString())]);

        var site = page.Locator($"#feed li:has(.time[title='captured {label}']) .site");
        await Expect(site).ToHaveTextAsync(name);
        Assert.That(await site.GetAttributeAsync("title"), Is.EqualTo("name from dns-answer"));
        // And in the employee's "sites visited" table beside the chart, at the next refresh.
        await Expect(page.Locator("#charts table.sites td.site", new PageLocatorOptions { HasText = "bank.example" })).ToHaveTextAsync(name);
        var pwned = await page.EvaluateAsync<bool>("() => window.pwned !== undefined || document.querySelectorAll('#feed b, #feed script').length > 0");
        Assert.That(pwned, Is.False, "the name became elements or its script ran");
    }

    /// <summary>
    /// Issue "From packets to sessions": the flows table — each flow once by its newest record (an interim record's flow
    /// shows as open, a repeat adds nothing), longest or largest first, filtered by address, and a name holding HTML
    /// shown as text.
    /// </summary>
    [Test]
    public async Task The_flows_table_shows_each_flow_once_longest_or_largest_first_and_filters_by_address()
    {
        var lines = TestData.Lines(TestData.Fixture("gaps-lan.json.ndjson"));
        var timeouts = FlowSamples.LongerThanAnyCapture with { Interim = TimeSpan.FromSeconds(1) };
        var records = FlowSamples.FinalFlows(lines, timeouts, all: true);
        const string payload = "<img src=x onerror=window.pwned=1>";
        int named = records.FindIndex(r => r.Final);
        records[named] = records[named] with { Name = payload };
        var open = records[^1] with { Final = false, End = PcapWatch.Flows.FlowEnd.Active, Seq = records.Max(r => r.Seq) + 1, FlowId = "1:open" };
        var written = records.Concat(records.Take(3)).Append(open);
        Infrastructure.Kafka.Produce(_scenario.Service.Broker.BootstrapServers, _scenario.Service.Topics.Flows, written
            .Select(r => ((string?)r.Host.ToString(), (string?)System.Text.Encoding.UTF8.GetString(PcapWatch.Flows.FlowRecordJson.Encode(r)))));
        var flows = records.Where(r => r.Final).Append(open).ToList();

        var page = await OpenAsync();
        var rows = page.Locator("#flows tbody tr");
        await Expect(rows).ToHaveCountAsync(flows.Count);
        var longest = flows.OrderByDescending(f => f.LastUs - f.FirstUs).First();
        await Expect(rows.First.Locator("td.duration")).ToHaveTextAsync(((longest.LastUs - longest.FirstUs) / 1e6).ToString("0.000") + " s");
        await Expect(page.Locator("#flows tbody tr.open")).ToHaveCountAsync(1);
        await Expect(page.Locator("#flows tbody tr.open td.state")).ToHaveTextAsync("open");

        await page.Locator("#flows-sort").SelectOptionAsync("bytes");
        var largest = flows.OrderByDescending(f => f.BytesOut + f.BytesIn).First();
        await Expect(rows.First.Locator("td.out")).ToContainTextAsync($"{largest.PacketsOut} pkts");

        var remote = flows.GroupBy(f => f.RemoteIp).OrderBy(g => g.Count()).First();
        await page.Locator("#flows-filter").FillAsync(remote.Key.ToString());
        await Expect(rows).ToHaveCountAsync(flows.Count(f => f.RemoteIp.ToString().Contains(remote.Key.ToString(), StringComparison.Ordinal)
            || f.LocalIp.ToString().Contains(remote.Key.ToString(), StringComparison.Ordinal)));
        await page.Locator("#flows-filter").FillAsync("");
        await Expect(page.Locator("#flows td.site", new PageLocatorOptions { HasText = payload })).ToHaveCountAsync(1);
        Assert.That(await page.EvaluateAsync<bool>("() => window.pwned === undefined && !document.querySelector('#flows img')"), Is.True);
    }
}

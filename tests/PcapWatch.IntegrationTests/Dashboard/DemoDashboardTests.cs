using System.Text.Json;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary><c>demo --dashboard</c> as a newcomer runs it: the demo, then its result on a page until Ctrl+C.</summary>
public class DemoDashboardTests
{
    [Test]
    public void Demo_with_dashboard_serves_the_demo_result_until_interrupted()
    {
        int port = FreePort.Next();
        using var demo = CliProcess.Start("demo", "--dashboard", "--port", port.ToString());
        Infrastructure.Kafka.WaitUntil(() => demo.Stdout.Any(l => l.StartsWith("dashboard: ", StringComparison.Ordinal)) || demo.HasExited,
            TimeSpan.FromSeconds(90), "the demo's page");
        Assert.That(demo.HasExited, Is.False, () => string.Join("\n", demo.Logs));
        long packets = ExpectedCounts.CapturedPackets(), alicePackets = ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac);
        Assert.That(demo.Stdout, Has.Some.StartsWith($"demo: packets={packets} matches={alicePackets} "), "the summary comes before the page");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        JsonElement alice = default;
        Infrastructure.Kafka.WaitUntil(() =>
        {
            var employees = JsonDocument.Parse(http.GetStringAsync("api/summary?window=24h").GetAwaiter().GetResult()).RootElement.GetProperty("employees");
            alice = employees.EnumerateArray().FirstOrDefault(e => e.GetProperty("empName").GetString() == "Alice Example");
            return alice.ValueKind == JsonValueKind.Object && alice.GetProperty("packets").GetInt64() == alicePackets;
        }, TimeSpan.FromSeconds(60), "Alice Example's packets on the page");
        Assert.That(http.GetStringAsync("").GetAwaiter().GetResult(), Does.Contain("<script src=\"/app.js\""));

        demo.Terminate();
        Assert.That(demo.WaitForExit(TimeSpan.FromSeconds(30)), Is.Zero, () => string.Join("\n", demo.Logs));
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Dashboard;
using PcapWatch.Ingest;
using PcapWatch.Tests.Shared;
using PcapWatch.Tools;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>
/// The service on the embedded broker has run a data set (the recipe's when ../shared is there, else the project's own
/// samples), and a dashboard on a real Kestrel port reads what it wrote. Waits (no sleeps) until the dashboard has read
/// every match.
/// </summary>
internal sealed class DashboardScenario : IDisposable
{
    public sealed record DataSet(string Name, string Employees, string Computers, string Pcap, string Employee, string Mac, long Matches);

    /// <summary>The project's own samples (always here).</summary>
    public static DataSet Samples => new("samples", TestData.Fixture("employees.txt"), TestData.Fixture("computers.txt"),
        TestData.Fixture(ExpectedCounts.LanCapture), "Alice Example", ExpectedCounts.AliceMac, ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac));

    /// <summary>The recipe's data (the test is skipped without ../shared).</summary>
    public static DataSet Recipe => new("recipe", TestData.Shared("recipe-data/employees.json"), TestData.Shared("recipe-data/computers.json"),
        TestData.Shared("recipe-data/pcap.json"), ExpectedCounts.Recipe().WatchedEmployee, ExpectedCounts.Recipe().WatchedMac, ExpectedCounts.Recipe().Watched);

    /// <summary>The recipe when ../shared is beside the clone, else the samples.</summary>
    public static DataSet RecipeOrSamples =>
        File.Exists(Path.Combine(TestData.RepositoryRoot, "..", "shared", "recipe-data", "pcap.json")) ? Recipe : Samples;

    public ServiceHarness Service { get; } = new();
    public DashboardServer Dashboard { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public DataSet Data { get; }

    public DashboardScenario(DataSet data, Func<DashboardOptions, DashboardOptions>? configure = null)
    {
        Data = data;
        try
        {
            using (var publisher = new RecordPublisher(Service.Broker.BootstrapServers))
            {
                Publish(publisher, Service.Topics.Employees, data.Employees, InputFormat.Keyed);
                Publish(publisher, Service.Topics.Computers, data.Computers, InputFormat.Keyed);
                Service.Start();
                Publish(publisher, Service.Topics.Pcap, data.Pcap, InputFormat.Pcap);
            }
            Kafka.WaitUntil(() => Service.Service.Progress.Matches >= data.Matches, TimeSpan.FromSeconds(60), "the service's matches");
            var options = new DashboardOptions { BootstrapServers = Service.Broker.BootstrapServers, Port = 0, KafkaTimeout = TimeSpan.FromSeconds(30) };
            Dashboard = DashboardServer.StartAsync(configure?.Invoke(options) ?? options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None)
                .GetAwaiter().GetResult();
            Http = new HttpClient { BaseAddress = Dashboard.Address, Timeout = TimeSpan.FromSeconds(30) };
            WaitUntilRead(data.Matches);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Waits until the dashboard has read <paramref name="matches"/> matches (its /api/health says so).</summary>
    public void WaitUntilRead(long matches) =>
        Kafka.WaitUntil(() => Health().GetProperty("matchesRead").GetInt64() >= matches, TimeSpan.FromSeconds(60), $"{matches} matches on the page");

    public JsonElement Health() => Http.GetFromJsonAsync<JsonElement>("api/health").GetAwaiter().GetResult();

    public JsonElement Get(string path) => Http.GetFromJsonAsync<JsonElement>(path).GetAwaiter().GetResult();

    private static void Publish(RecordPublisher publisher, string topic, string path, InputFormat format)
    {
        using var input = File.OpenRead(path);
        var result = publisher.Publish(topic, InputReader.Read(input, format));
        Assert.That(result.Produced, Is.GreaterThan(0), $"records from {path}");
    }

    public void Dispose()
    {
        Http?.Dispose();
        Dashboard?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Service.Dispose();
    }
}

using Microsoft.Extensions.Logging;

namespace PcapWatch.Dashboard;

/// <summary>
/// Polls each instance's Prometheus endpoint for the health line: consumer lag, dead letters, whether its tables are
/// current. An instance that does not answer is shown as such (and logged once per outage), never fatal.
/// </summary>
internal sealed class MetricsProbe(IReadOnlyList<Uri> urls, TimeSpan interval, ILogger log) : IDisposable
{
    private const string Lag = "pcapwatch_consumer_lag";
    private const string DeadLetters = "pcapwatch_dead_letters_total";
    private const string TablesCurrent = "pcapwatch_tables_current";
    private const string Packets = "pcapwatch_packets_consumed_total";
    private const string Matches = "pcapwatch_matches_produced_total";
    private static readonly string[] Wanted = [Lag, DeadLetters, TablesCurrent, Packets, Matches];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly Dictionary<Uri, InstanceHealth> _latest = urls.ToDictionary(u => u, u => new InstanceHealth(u.ToString(), null, "not asked yet",
        null, null, null, null, null));
    private readonly Lock _lock = new();

    public IReadOnlyList<InstanceHealth> Latest()
    {
        lock (_lock) return urls.Select(u => _latest[u]).ToList();
    }

    public async Task RunAsync(CancellationToken cancel)
    {
        if (urls.Count == 0) return;
        using var timer = new PeriodicTimer(interval);
        do
        {
            await Task.WhenAll(urls.Select(u => ScrapeAsync(u, cancel)));
        }
        while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false));
    }

    private async Task ScrapeAsync(Uri url, CancellationToken cancel)
    {
        InstanceHealth health;
        try
        {
            var text = await _http.GetStringAsync(url, cancel).ConfigureAwait(false);
            var sums = PrometheusText.Sums(text, Wanted);
            health = new InstanceHealth(url.ToString(), DateTimeOffset.UtcNow, null, sums.GetValueOrDefault(Lag),
                sums.GetValueOrDefault(DeadLetters), sums.TryGetValue(TablesCurrent, out var current) ? current >= 1 : null,
                sums.GetValueOrDefault(Packets), sums.GetValueOrDefault(Matches));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            health = new InstanceHealth(url.ToString(), DateTimeOffset.UtcNow, ex is TaskCanceledException ? "no answer within 3 s" : ex.Message,
                null, null, null, null, null);
        }
        lock (_lock)
        {
            if (health.Error is not null && _latest[url].Error is null) log.LogWarning("Metrics at {Url} do not answer: {Reason}", url, health.Error);
            _latest[url] = health;
        }
    }

    public void Dispose() => _http.Dispose();
}

using System.Net.ServerSentEvents;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PcapWatch.Dashboard;

/// <summary>
/// The page, its script and style, and the read-only API the page (and anyone with credentials) uses.
/// </summary>
internal static class DashboardEndpoints
{
    private const int MaxFeedItems = 200;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void Map(WebApplication app, DashboardState state, MetricsProbe metrics, DashboardAudit audit, DashboardOptions options)
    {
        MapPage(app);
        MapCounts(app, state);
        MapFeed(app, state, options);
        MapFlows(app, state, options);
        MapLookups(app, state, metrics, audit);
    }

    /// <summary>The page itself: its HTML, script and style, from the program's resources.</summary>
    private static void MapPage(WebApplication app)
    {
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8"));
        app.MapGet("/favicon.ico", () => Results.NoContent()); // browsers ask; a 404 would be an error in every console
    }

    /// <summary>Per employee: the summary, the charts, and (analysts only) the names visited.</summary>
    private static void MapCounts(WebApplication app, DashboardState state)
    {
        app.MapGet("/api/summary", (string? window) =>
            TrafficWindowSpec.Parse(window) is { } spec ? Results.Json(state.Summary(spec)) : UnknownWindow(window));

        app.MapGet("/api/chart", (string emp, string? window, string? metric) =>
        {
            if (TrafficWindowSpec.Parse(window) is not { } spec) return UnknownWindow(window);
            bool bytes = string.Equals(metric, "bytes", StringComparison.OrdinalIgnoreCase);
            var bars = state.Chart(emp, spec);
            if (bars is null) return Results.NotFound(new { error = $"no traffic for employee '{emp}'" });
            return Results.Text(SvgChart.Render(bars, bytes, $"{emp}: {(bytes ? "bytes" : "packets")} per protocol, last {spec.Name}"),
                "image/svg+xml; charset=utf-8");
        });

        // Names visited are browsing history: analysts only (PersonalDataPaths), like the feed.
        app.MapGet("/api/sites", (string emp, string? window, int? limit) =>
        {
            if (TrafficWindowSpec.Parse(window) is not { } spec) return UnknownWindow(window);
            return state.Sites(emp, spec, Math.Clamp(limit ?? 20, 1, EmployeeTraffic.MaxSites)) is { } rows
                ? Results.Json(rows)
                : Results.NotFound(new { error = $"no traffic for employee '{emp}'" });
        });
    }

    /// <summary>Flows (run --flows), open and closed, longest or largest first: analysts only (PersonalDataPaths).</summary>
    private static void MapFlows(WebApplication app, DashboardState state, DashboardOptions options)
    {
        app.MapGet("/api/flows", (string? employee, string? filter, string? sort, int? limit) =>
        {
            if (TooLong(employee, filter, options.MaxPatternLength) is { } refused) return refused;
            if (sort is not (null or "duration" or "bytes")) return Results.BadRequest(new { error = $"sort '{sort}': duration or bytes" });
            lock (state.Sync) return Results.Json(state.Flows.Query(employee, filter, sort == "bytes", limit ?? 100));
        });
    }

    /// <summary>The matches themselves: the newest, and the live stream.</summary>
    private static void MapFeed(WebApplication app, DashboardState state, DashboardOptions options)
    {
        var slots = new StreamSlots(options.MaxStreams);
        app.MapGet("/api/matches/recent", (string? employee, string? like, int? limit) =>
        {
            if (TooLong(employee, like, options.MaxPatternLength) is { } refused) return refused;
            var filter = new FeedFilter(employee, like);
            var items = state.Newest(Math.Clamp(limit ?? 100, 1, MaxFeedItems), filter.Passes);
            return Results.Json(new FeedBatch(items, 0, items.Count > 0 ? items[0].Seq : state.Feed.LastSeq));
        });

        // A stream never ends by itself: stopping the dashboard must end it, or Kestrel would wait out its shutdown
        // timeout.
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet("/api/matches/stream", (HttpContext context, string? employee, string? like, long? after, CancellationToken cancel) =>
        {
            if (TooLong(employee, like, options.MaxPatternLength) is { } refused) return refused;
            if (slots.TryTake() is not { } slot) return AllStreamsTaken(context, options.MaxStreams);
            context.Response.RegisterForDispose(slot); // given back when the response ends, however it ends
            return TypedResults.ServerSentEvents(Stream(state, new FeedFilter(employee, like), after, options.StreamInterval,
                CancellationTokenSource.CreateLinkedTokenSource(cancel, stopping)));
        });
    }

    /// <summary><c>who</c>, who one is, the audit trail and the instances' health.</summary>
    private static void MapLookups(WebApplication app, DashboardState state, MetricsProbe metrics, DashboardAudit audit)
    {
        app.MapGet("/api/who/{address}", (string address) =>
            WhoAnswer.For(address, state) is { } answer
                ? Results.Json(answer)
                : Results.BadRequest(new { error = $"'{address}' is neither a MAC address nor an IP address" }));

        app.MapGet("/api/me", (HttpContext context) =>
        {
            var me = SignedIn.Of(context);
            return Results.Json(new { user = me.Name, role = me.RoleName });
        });

        app.MapGet("/api/audit", (int? limit) => Results.Json(audit.Latest(Math.Clamp(limit ?? 100, 1, DashboardAudit.DefaultCapacity))));

        app.MapGet("/api/health", () =>
        {
            lock (state.Sync)
            {
                return Results.Json(new HealthAnswer(state.MatchesRead, state.UnreadableRecords, state.CaughtUp, metrics.Latest(),
                    state.FutureStamped, state.RepeatsSkipped, state.Unverifiable));
            }
        });
    }

    /// <summary>
    /// New matches as they are read, at most one event per interval (10,000 matches/s stay four events a second, the
    /// newest <see cref="MaxFeedItems"/> of them); a ping when nothing happens, so proxies keep the connection.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<FeedBatch?>> Stream(DashboardState state, FeedFilter filter, long? after,
        TimeSpan interval, CancellationTokenSource ending)
    {
        using var owned = ending;
        var cancel = ending.Token;
        long seq = after ?? state.Feed.LastSeq;
        yield return new SseItem<FeedBatch?>(null, "hello");
        while (true)
        {
            var woken = await WaitAsync(state, seq, cancel);
            if (woken == Wake.Ended) yield break;
            if (woken == Wake.Heartbeat)
            {
                yield return new SseItem<FeedBatch?>(null, "ping");
                continue;
            }
            var (items, missed) = state.After(seq);
            if (items.Count > 0) seq = items[^1].Seq;
            var shown = items.Where(filter.Passes).Reverse().Take(MaxFeedItems).ToList();
            if (shown.Count > 0 || missed > 0) yield return new SseItem<FeedBatch?>(new FeedBatch(shown, missed, seq), "matches");
            await Task.WhenAny(Task.Delay(interval, cancel)); // ends early, without throwing, when the stream ends
        }
    }

    private enum Wake { Arrived, Heartbeat, Ended }

    /// <summary>
    /// Waits for a match after <paramref name="seq"/>, the heartbeat, or the end of the stream (client gone, dashboard
    /// stopping).
    /// </summary>
    private static async Task<Wake> WaitAsync(DashboardState state, long seq, CancellationToken cancel)
    {
        using var beat = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        beat.CancelAfter(Heartbeat);
        try
        {
            await state.Feed.WaitAfterAsync(seq, beat.Token);
            return cancel.IsCancellationRequested ? Wake.Ended : Wake.Arrived;
        }
        catch (OperationCanceledException)
        {
            return cancel.IsCancellationRequested ? Wake.Ended : Wake.Heartbeat;
        }
    }

    /// <summary>A filter longer than the page allows (a LIKE pattern's cost grows with its length), or null.</summary>
    private static IResult? TooLong(string? employee, string? like, int max) =>
        (employee?.Length ?? 0) > max || (like?.Length ?? 0) > max
            ? Results.BadRequest(new { error = $"{((like?.Length ?? 0) > max ? "like" : "employee")}: at most {max} characters" })
            : null;

    private static IResult AllStreamsTaken(HttpContext context, int max)
    {
        context.Response.Headers.RetryAfter = "5";
        return Results.Json(new { error = $"all {max} live streams are in use; try again later" },
            statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static IResult UnknownWindow(string? window) =>
        Results.BadRequest(new { error = $"unknown window '{window}': one of {string.Join(", ", TrafficWindowSpec.All.Select(w => w.Name))}" });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Assets = new(StringComparer.Ordinal);

    private static IResult Asset(string name, string contentType) => Results.Bytes(Assets.GetOrAdd(name, static n =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot/" + n)
            ?? throw new InvalidOperationException($"the page asset {n} is not in the program");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }), contentType);
}

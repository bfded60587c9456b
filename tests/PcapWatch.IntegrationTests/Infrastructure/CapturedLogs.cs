using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>One event an in-process service logged: its template, properties and level.</summary>
internal sealed record CapturedEvent(LogLevel Level, string Template, IReadOnlyDictionary<string, object?> Properties)
{
    public long Long(string property) => Convert.ToInt64(Properties[property], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The logger factory an in-process service is given in tests: keeps every event (all levels) in order, and can call
/// <see cref="OnEvent"/> on the logging thread itself, at the very moment the service logs (to look at the world exactly
/// when the service reports a step, before it takes the next).
/// </summary>
internal sealed class CapturedLogs : ILoggerFactory
{
    private readonly ConcurrentQueue<CapturedEvent> _events = new();

    public Action<CapturedEvent>? OnEvent { get; set; }

    public CapturedEvent[] Events => _events.ToArray();

    /// <summary>The events whose template starts with <paramref name="templateStart"/>.</summary>
    public CapturedEvent[] Named(string templateStart) =>
        _events.Where(e => e.Template.StartsWith(templateStart, StringComparison.Ordinal)).ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Add(CapturedEvent e)
    {
        _events.Enqueue(e);
        OnEvent?.Invoke(e);
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IReadOnlyList<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value)
                : new Dictionary<string, object?>();
            var template = properties.GetValueOrDefault("{OriginalFormat}") as string ?? formatter(state, exception);
            logs.Add(new CapturedEvent(logLevel, template, properties));
        }
    }
}

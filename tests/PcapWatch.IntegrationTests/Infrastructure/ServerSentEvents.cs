using System.Text;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>Reads a text/event-stream response event by event (the EventSource format: event:, data:, blank line).</summary>
internal sealed class ServerSentEvents(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public sealed record Item(string Event, string Data);

    /// <summary>The next event; fails the test when none arrives in time.</summary>
    public Item Next(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string name = "message";
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            try
            {
                line = _reader.ReadLineAsync(cancel.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no server-sent event within {timeout.TotalSeconds} s");
            }
            if (line is null) throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (data.Length > 0 || name != "message") return new Item(name, data.ToString());
                continue;
            }
            if (line.StartsWith("event:", StringComparison.Ordinal)) name = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].TrimStart());
        }
    }

    /// <summary>Events until one matches, within <paramref name="timeout"/> in all.</summary>
    public Item NextMatching(Func<Item, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no matching server-sent event within {timeout.TotalSeconds} s");
            var item = Next(left);
            if (match(item)) return item;
        }
    }

    public void Dispose() => _reader.Dispose();
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>
/// The few Confluent Schema Registry REST calls an Avro serializer and deserializer make (register a schema under a
/// subject, look it up, fetch it by id), served from memory on 127.0.0.1. There is no registry on this machine; the
/// client code under test is Confluent's own, talking HTTP to this.
/// </summary>
public sealed class FakeSchemaRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _idBySchema = new();
    private readonly ConcurrentDictionary<int, string> _schemaById = new();
    private readonly ConcurrentDictionary<string, int> _subjects = new();
    private readonly Task _serving;

    public FakeSchemaRegistry()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _serving = Task.Run(Serve);
    }

    public string Url { get; }

    /// <summary>Subject → schema id of what was registered.</summary>
    public IReadOnlyDictionary<string, int> Subjects => _subjects;

    /// <summary>Requests this fake does not know (to see what a client version started asking for).</summary>
    public ConcurrentQueue<string> Unknown { get; } = new();

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var (status, body) = Handle(context.Request);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/vnd.schemaregistry.v1+json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int Status, string Body) Handle(HttpListenerRequest request)
    {
        var segments = request.Url!.AbsolutePath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (request.HttpMethod == "POST" && segments is ["subjects", var subject, "versions"])
        {
            var schema = ReadSchema(request);
            int id = _idBySchema.GetOrAdd(schema, _ => _idBySchema.Count + 1);
            _schemaById[id] = schema;
            _subjects[subject] = id;
            return (200, JsonSerializer.Serialize(new { id }));
        }
        if (request.HttpMethod == "POST" && segments is ["subjects", var lookupSubject])
        {
            var schema = ReadSchema(request);
            return _idBySchema.TryGetValue(schema, out int id) && _subjects.TryGetValue(lookupSubject, out _)
                ? (200, JsonSerializer.Serialize(new { subject = lookupSubject, id, version = 1, schema }))
                : (404, """{"error_code":40403,"message":"Schema not found"}""");
        }
        if (request.HttpMethod == "GET" && segments is ["schemas", "ids", var idText] && int.TryParse(idText, out int schemaId)
            && _schemaById.TryGetValue(schemaId, out var found))
        {
            return (200, JsonSerializer.Serialize(new { schema = found }));
        }
        Unknown.Enqueue($"{request.HttpMethod} {request.Url.PathAndQuery}");
        return (404, """{"error_code":40401,"message":"not found"}""");
    }

    private static string ReadSchema(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        using var doc = JsonDocument.Parse(reader.ReadToEnd());
        return doc.RootElement.GetProperty("schema").GetString()!;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Names;

/// <summary>
/// A name statement as the IP_NAMES topic holds it: key = <c>ADDRESS|NAME|CLIENT</c>, so compaction keeps the newest
/// answer of each name to each client for each address; value = <c>{"ADDRESS","NAME","CLIENT","SEEN","UNTIL"}</c>,
/// times in Unix milliseconds of capture time.
/// </summary>
public static class NameRecord
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Key(in NameStatement s) => Encoding.ASCII.GetBytes($"{s.Address}|{s.Name}|{s.Client}");

    public static byte[] Encode(in NameStatement s)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("ADDRESS", s.Address.ToString());
            w.WriteString("NAME", s.Name);
            w.WriteString("CLIENT", s.Client.ToString());
            w.WriteNumber("SEEN", s.SeenMs);
            w.WriteNumber("UNTIL", s.UntilMs);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a record another instance published; false (with the reason) for anything else. The name must be one
    /// (<see cref="NameText"/>): whoever can write the topic must not put text on the page that no packet could.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out NameStatement statement, out string? problem)
    {
        statement = default;
        try
        {
            var reader = new Utf8JsonReader(value);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("not a JSON object", out problem);
            if (!root.TryGetProperty("ADDRESS", out var a) || !IpAddressKey.TryParse(a.GetString(), out var address))
            {
                return Fail("ADDRESS is missing or not an IP address", out problem);
            }
            if (!root.TryGetProperty("NAME", out var n) || n.ValueKind != JsonValueKind.String
                || NameText.Normalize(Encoding.UTF8.GetBytes(n.GetString()!), isHost: false) is not { } name)
            {
                return Fail("NAME is missing or not a name", out problem);
            }
            if (!root.TryGetProperty("CLIENT", out var c) || !MacAddress.TryParse(c.GetString(), out var client))
            {
                return Fail("CLIENT is missing or not a MAC address", out problem);
            }
            if (!root.TryGetProperty("SEEN", out var seen) || !seen.TryGetInt64(out long seenMs)
                || !root.TryGetProperty("UNTIL", out var until) || !until.TryGetInt64(out long untilMs))
            {
                return Fail("SEEN or UNTIL is missing or not a number", out problem);
            }
            if (untilMs < seenMs) return Fail("UNTIL is before SEEN", out problem);
            statement = new NameStatement(address, name, client, seenMs, untilMs);
            problem = null;
            return true;
        }
        catch (JsonException ex)
        {
            return Fail("not JSON: " + ex.Message, out problem);
        }
        catch (InvalidOperationException ex)
        {
            return Fail(ex.Message, out problem);
        }
    }

    private static bool Fail(string reason, out string? problem)
    {
        problem = reason;
        return false;
    }
}

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// A binding as the IP_MAC_BINDINGS topic holds it: key = the address's usual spelling, value =
/// <c>{"ADDRESS","MACADDR","VALID_FROM","VALID_UNTIL","SOURCE","LAST_STATED"}</c>, times in Unix milliseconds of
/// capture time (<c>VALID_UNTIL</c> null for an infinite lease). Each change of an interval is published again under
/// the same key, so compaction keeps each address's newest interval.
/// </summary>
public static class BindingRecord
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Key(IpAddressKey address) => Encoding.ASCII.GetBytes(address.ToString());

    public static byte[] Encode(IpAddressKey address, in IpBindings.Interval interval)
    {
        var buffer = new ArrayBufferWriter<byte>(192);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("ADDRESS", address.ToString());
            w.WriteString("MACADDR", interval.Mac.ToString());
            w.WriteNumber("VALID_FROM", interval.FromMs);
            if (interval.UntilMs == long.MaxValue) w.WriteNull("VALID_UNTIL");
            else w.WriteNumber("VALID_UNTIL", interval.UntilMs);
            w.WriteString("SOURCE", BindingEvidence.Describe(interval.Source));
            w.WriteNumber("LAST_STATED", interval.LastStatedMs);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a record another instance published; false (with the reason) for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out IpAddressKey address, out IpBindings.Interval interval, out string? problem)
    {
        address = default;
        interval = default;
        try
        {
            var reader = new Utf8JsonReader(value);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("not a JSON object", out problem);
            if (!root.TryGetProperty("ADDRESS", out var a) || !IpAddressKey.TryParse(a.GetString(), out address))
            {
                return Fail("ADDRESS is missing or not an IP address", out problem);
            }
            if (!root.TryGetProperty("MACADDR", out var m) || !MacAddress.TryParse(m.GetString(), out var mac))
            {
                return Fail("MACADDR is missing or not a MAC address", out problem);
            }
            if (!root.TryGetProperty("VALID_FROM", out var from) || !from.TryGetInt64(out long fromMs))
            {
                return Fail("VALID_FROM is missing or not a number", out problem);
            }
            long untilMs = long.MaxValue;
            if (root.TryGetProperty("VALID_UNTIL", out var until) && until.ValueKind != JsonValueKind.Null && !until.TryGetInt64(out untilMs))
            {
                return Fail("VALID_UNTIL is not a number", out problem);
            }
            long stated = root.TryGetProperty("LAST_STATED", out var s) && s.TryGetInt64(out long st) ? st : fromMs;
            var source = BindingEvidence.SourceNamed(root.TryGetProperty("SOURCE", out var src) ? src.GetString() : null);
            if (untilMs < fromMs) return Fail("VALID_UNTIL is before VALID_FROM", out problem);
            interval = new IpBindings.Interval(mac, fromMs, untilMs, source, stated);
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

using System.Text;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Output;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Output;

public class MatchRecordWriterTests
{
    private static readonly WatchedComputer Tom =
        new(MacAddress.Parse("E0-A1-D7-18-C2-72"), "100", "1", "100", "Tom Jones", "100");

    /// <summary>Writes through the index, as the pipeline does: the owner's columns are read from its arena.</summary>
    private static byte[] WriteFor(WatchedComputer owner, byte[] packet, PacketFields fields)
    {
        var index = new WatchIndex();
        index.Set(owner.Mac, [owner]);
        Assert.That(index.TryGetOwners(owner.Mac, out var owners), Is.True);
        foreach (var view in owners) return new MatchRecordWriter().Write(packet, in fields, owner.Mac, in view).ToArray();
        throw new AssertionException("no owner stored");
    }

    private static JsonElement Write(string packet)
    {
        var bytes = Encoding.UTF8.GetBytes(packet);
        var fields = new PacketFields();
        PacketExtractor.Extract(bytes, ref fields);
        var json = WriteFor(Tom, bytes, fields);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    [Test]
    public void Writes_ksqldb_columns_in_order_with_null_for_missing_fields()
    {
        var record = Write("""{"layers":{"frame":{"frame_frame_len":"42","frame_frame_protocols":"eth:ethertype:arp"},"eth":{"eth_eth_src":"e0:a1:d7:18:c2:72","eth_eth_dst":"ff:ff:ff:ff:ff:ff"}}}""");
        Assert.That(record.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
        {
            "P_FRAME_TIME", "P_FRAME_LEN", "P_FRAME_PROTOCOLS", "P_ETH_SRC", "P_ETH_DST", "P_IP_SRC", "P_IP_DST",
            "P_IP_SRC_HOST", "P_IP_DST_HOST", "P_IP_PROTO", "C_EMP_ID", "C_EMP_NAME", "C_EMP_KEY", "C_MACADDR",
        }));
        Assert.That(record.GetProperty("P_FRAME_TIME").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(record.GetProperty("P_IP_DST").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(record.GetProperty("P_FRAME_LEN").GetString(), Is.EqualTo("42"));
        Assert.That(record.GetProperty("P_ETH_SRC").GetString(), Is.EqualTo("e0:a1:d7:18:c2:72"));
        Assert.That(record.GetProperty("C_EMP_ID").GetString(), Is.EqualTo("100"));
        Assert.That(record.GetProperty("C_EMP_NAME").GetString(), Is.EqualTo("Tom Jones"));
        Assert.That(record.GetProperty("C_EMP_KEY").GetString(), Is.EqualTo("100"));
        Assert.That(record.GetProperty("C_MACADDR").GetString(), Is.EqualTo("e0:a1:d7:18:c2:72"), "canonical spelling");
    }

    [Test]
    public void Numbers_escapes_and_non_ascii_come_out_as_json_strings()
    {
        var record = Write("""{"layers":{"frame":{"frame_frame_len":90,"frame_frame_protocols":"eth:\u0069p"},"ip":{"ip_ip_dst_host":"h\u00f6st.example"}}}""");
        Assert.That(record.GetProperty("P_FRAME_LEN").GetString(), Is.EqualTo("90"));
        Assert.That(record.GetProperty("P_FRAME_PROTOCOLS").GetString(), Is.EqualTo("eth:ip"));
        Assert.That(record.GetProperty("P_IP_DST_HOST").GetString(), Is.EqualTo("höst.example"));
    }

    [Test]
    public void Invalid_utf8_in_a_value_still_gives_valid_json()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"layers":{"frame":{"frame_frame_protocols":"eth""");
        var suffix = Encoding.UTF8.GetBytes("\"}}}");
        var bytes = prefix.Concat(new byte[] { 0xff, 0xfe }).Concat(suffix).ToArray();
        var fields = new PacketFields();
        PacketExtractor.Extract(bytes, ref fields);
        var json = WriteFor(Tom, bytes, fields);
        var record = JsonDocument.Parse(json).RootElement;
        Assert.That(record.GetProperty("P_FRAME_PROTOCOLS").GetString(), Does.StartWith("eth"));
    }
}

using System.Text;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>Synthetic packets in the recipe's 2018 shape, each with a unique frame time to trace it to the output.</summary>
internal static class TestPackets
{
    public static byte[] Recipe(string ethSrc, string frameTime, string protocols = "eth:ethertype:ip:udp:bootp",
        string dst = "ff:ff:ff:ff:ff:ff") =>
        Encoding.UTF8.GetBytes(
            "{\"_index\":\"packets-2018-10-18\",\"_type\":\"pcap_file\",\"_score\":null,\"_source\":{\"layers\":{"
            + $"\"frame\":{{\"time\":\"{frameTime}\",\"len\":\"445\",\"protocols\":\"{protocols}\"}},"
            + $"\"eth\":{{\"dst\":\"{dst}\",\"src\":\"{ethSrc}\"}},"
            + "\"ip\":{\"proto\":\"17\",\"src\":\"0.0.0.0\",\"dst\":\"255.255.255.255\",\"src_host\":\"0.0.0.0\",\"dst_host\":\"255.255.255.255\"}}}}");
}

using System.Globalization;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>Packets as `tshark -T ek` writes them, crafted as an attacker on the LAN would send them (one line each).</summary>
internal static class CraftedEk
{
    public const string Attacker = "02:50:57:00:00:99", Router = "02:50:57:00:00:01";

    public static string Epoch(double at) => at.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Arp(double at, string ethSrc, string payloadMac, string ip) =>
        "{\"timestamp\":\"" + (long)(at * 1000) + "\",\"layers\":{\"frame\":{\"frame_frame_time_epoch\":\"" + Epoch(at)
        + "\",\"frame_frame_protocols\":\"eth:ethertype:arp\"},\"eth\":{\"eth_eth_dst\":\"ff:ff:ff:ff:ff:ff\",\"eth_eth_src\":\"" + ethSrc
        + "\"},\"arp\":{\"arp_arp_opcode\":\"2\",\"arp_arp_src_hw_mac\":\"" + payloadMac + "\",\"arp_arp_src_proto_ipv4\":\"" + ip + "\"}}}";

    /// <summary>A packet from <paramref name="ip"/> behind the router: its frame is the router's.</summary>
    public static string Routed(double at, string ip) =>
        "{\"timestamp\":\"" + (long)(at * 1000) + "\",\"layers\":{\"frame\":{\"frame_frame_time_epoch\":\"" + Epoch(at)
        + "\",\"frame_frame_protocols\":\"eth:ethertype:ip:udp\"},\"eth\":{\"eth_eth_dst\":\"02:50:57:00:00:02\",\"eth_eth_src\":\"" + Router
        + "\"},\"ip\":{\"ip_ip_src\":\"" + ip + "\",\"ip_ip_dst\":\"198.51.100.7\"}}}";

    /// <summary>
    /// A DHCP ACK granting <paramref name="ip"/> to <paramref name="client"/>, sent from UDP port <paramref name="sourcePort"/>
    /// by the server named <paramref name="server"/> (option 54).
    /// </summary>
    public static string Ack(double at, int sourcePort, string client, string ip, uint lease = 3600, string server = "192.168.77.1") =>
        "{\"timestamp\":\"" + (long)(at * 1000) + "\",\"layers\":{\"frame\":{\"frame_frame_time_epoch\":\"" + Epoch(at)
        + "\",\"frame_frame_protocols\":\"eth:ethertype:ip:udp:dhcp\"},\"eth\":{\"eth_eth_dst\":\"ff:ff:ff:ff:ff:ff\",\"eth_eth_src\":\"" + Attacker
        + "\"},\"ip\":{\"ip_ip_src\":\"192.168.77.1\",\"ip_ip_dst\":\"255.255.255.255\"},\"udp\":{\"udp_udp_srcport\":\"" + sourcePort
        + "\",\"udp_udp_dstport\":\"68\"},\"dhcp\":{\"dhcp_dhcp_option_dhcp\":\"5\",\"dhcp_dhcp_hw_mac_addr\":\"" + client
        + "\",\"dhcp_dhcp_ip_your\":\"" + ip + "\",\"dhcp_dhcp_option_ip_address_lease_time\":\"" + lease
        + "\",\"dhcp_dhcp_option_dhcp_server_id\":\"" + server + "\"}}}";
}

using System.Text.Json;

namespace PcapWatch.Flows;

/// <summary>
/// A flow record as <c>WATCHED_EMP_FLOWS</c> carries it: one JSON object with the columns ksqlDB's style names in upper
/// case (<c>FLOW_ID</c>, <c>C_EMP_ID</c>, … <c>SEQ</c>).
/// </summary>
public static class FlowRecordJson
{
    public static byte[] Encode(FlowRecord flow)
    {
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("FLOW_ID", flow.FlowId);
            json.WriteString("C_EMP_ID", flow.Owner.EmpId);
            json.WriteString("C_EMP_NAME", flow.Owner.EmpName);
            json.WriteString("C_MACADDR", flow.Host.ToString());
            json.WriteNumber("PROTO", flow.Protocol);
            json.WriteString("LOCAL_IP", flow.LocalIp.ToString());
            json.WriteNumber("LOCAL_PORT", flow.LocalPort);
            json.WriteString("REMOTE_IP", flow.RemoteIp.ToString());
            json.WriteNumber("REMOTE_PORT", flow.RemotePort);
            json.WriteString("OPENED_BY", flow.OpenedByLocal ? "local" : "remote");
            json.WriteString("FIRST_SEEN", FlowText.Time(flow.FirstUs));
            json.WriteString("LAST_SEEN", FlowText.Time(flow.LastUs));
            json.WriteNumber("DURATION_S", FlowText.DurationSeconds(flow.FirstUs, flow.LastUs));
            json.WriteNumber("PACKETS_OUT", flow.PacketsOut);
            json.WriteNumber("BYTES_OUT", flow.BytesOut);
            json.WriteNumber("PACKETS_IN", flow.PacketsIn);
            json.WriteNumber("BYTES_IN", flow.BytesIn);
            json.WriteString("TCP_FLAGS", FlowText.TcpFlags(flow.TcpFlags));
            json.WriteString("PROTOCOLS", flow.Protocols);
            if (flow.Name is null) json.WriteNull("NAME");
            else json.WriteString("NAME", flow.Name);
            json.WriteString("END_REASON", flow.End.Text());
            json.WriteBoolean("FINAL", flow.Final);
            json.WriteNumber("SEQ", flow.Seq);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

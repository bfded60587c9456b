namespace PcapWatch.Ingest;

public enum InputFormat
{
    /// <summary>
    /// Decide from the first byte: <c>[</c> or <c>{</c> is packet input, anything else kcat <c>key:value</c> lines.
    /// </summary>
    Auto,
    /// <summary>kcat's <c>-K:</c> layout (table files).</summary>
    Keyed,
    /// <summary>tshark output: a -T json array, NDJSON, or -T ek lines.</summary>
    Pcap,
}

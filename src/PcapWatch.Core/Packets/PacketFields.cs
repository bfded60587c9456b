using System.Runtime.CompilerServices;

namespace PcapWatch.Packets;

/// <summary>
/// The extracted fields of one packet: a slice per <see cref="PacketField"/> into the record's bytes, plus the parsed
/// MAC addresses. A plain struct with inline storage, so a scan allocates nothing and the caller can reuse it.
/// </summary>
public struct PacketFields
{
    public const int Count = 10;

    private Slices _slices;

    /// <summary>eth.src of the first (outer) Ethernet layer, when present and valid.</summary>
    public MacAddress? EthSrc;

    /// <summary>eth.dst of the first (outer) Ethernet layer, when present and valid.</summary>
    public MacAddress? EthDst;

    /// <summary>
    /// frame.time_epoch of the first frame layer (seconds, fraction to the nanosecond): the capture time.
    /// </summary>
    public FieldSlice TimeEpoch;

    public readonly FieldSlice this[PacketField field] => _slices[(int)field];

    /// <summary>The capture time in Unix milliseconds, when <see cref="TimeEpoch"/> holds one.</summary>
    public readonly bool TryGetCaptureTimeMs(ReadOnlySpan<byte> record, out long ms) => CaptureTime.TryParseEpochMs(TimeEpoch.Of(record), out ms);

    internal void Set(PacketField field, FieldSlice slice) => _slices[(int)field] = slice;

    public void Clear()
    {
        _slices = default;
        TimeEpoch = default;
        EthSrc = null;
        EthDst = null;
    }

    [InlineArray(Count)]
    private struct Slices
    {
        private FieldSlice _first;
    }
}

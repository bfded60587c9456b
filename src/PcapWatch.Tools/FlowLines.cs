using PcapWatch.Flows;

namespace PcapWatch.Tools;

/// <summary>
/// <c>tail --flows</c>: a <c>WATCHED_EMP_FLOWS</c> value as <see cref="FlowView"/> shows it, each record once (unless
/// <c>repeats</c> is null), and only flows whose <c>PROTOCOLS</c> match a SQL LIKE pattern when one is given. A value
/// that is not a flow record is a <see cref="FormatException"/>, which the tail counts and skips.
/// </summary>
public sealed class FlowLines(FlowView view, FlowRepeats? repeats, string? protocolsLike)
{
    public FlowRepeats? Repeats => repeats;

    public string? Render(byte[] value)
    {
        var record = FlowRecordReader.TryRead(value) ?? throw new FormatException("not a WATCHED_EMP_FLOWS record");
        if (repeats is not null && !repeats.IsFirst(record)) return null;
        if (protocolsLike is not null && !SqlLike.IsMatch(record.Protocols, protocolsLike)) return null;
        return view.Render(record);
    }
}

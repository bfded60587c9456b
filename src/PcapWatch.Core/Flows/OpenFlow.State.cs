namespace PcapWatch.Flows;

/// <summary>An open flow written into, and read back from, a flow stage checkpoint (<see cref="FlowPartition.WriteTo"/>).</summary>
internal sealed partial class OpenFlow
{
    private OpenFlow(FlowKey key, FlowOwner owner, long firstUs, long interimUs)
    {
        Key = key;
        Owner = owner;
        FirstUs = firstUs;
        _interimUs = interimUs;
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.WriteKey(Key);
        writer.Write(Owner.EmpId);
        writer.Write(Owner.EmpName);
        writer.Write(FirstUs);
        writer.Write(LastUs);
        writer.Write(NextInterimUs);
        writer.Write(LingerEndsUs);
        writer.Write(_packetsOut);
        writer.Write(_bytesOut);
        writer.Write(_packetsIn);
        writer.Write(_bytesIn);
        writer.Write(_packetsAtLastRecord);
        writer.Write(_tcpFlags);
        writer.Write((byte)((_openedByLocal ? 1 : 0) | (_synSeen ? 2 : 0) | (_finOut ? 4 : 0) | (_finIn ? 8 : 0) | (_secondFinOut ? 16 : 0)));
        writer.Write(_protocols);
        writer.WriteNullable(_name);
        writer.Write(_seq);
        writer.Write(Closed is { } closed ? (byte)(1 + (byte)closed) : (byte)0);
    }

    /// <summary>
    /// The flow <see cref="WriteTo"/> wrote. <paramref name="interimUs"/> is the period now configured: a restart with a
    /// new period keeps the due time already set, and uses the new one after it.
    /// </summary>
    public static OpenFlow ReadFrom(BinaryReader reader, long interimUs)
    {
        var key = reader.ReadKey();
        var owner = new FlowOwner(reader.ReadString(), reader.ReadString());
        var flow = new OpenFlow(key, owner, reader.ReadInt64(), interimUs)
        {
            LastUs = reader.ReadInt64(),
            NextInterimUs = reader.ReadInt64(),
            LingerEndsUs = reader.ReadInt64(),
            _packetsOut = reader.ReadInt64(),
            _bytesOut = reader.ReadInt64(),
            _packetsIn = reader.ReadInt64(),
            _bytesIn = reader.ReadInt64(),
            _packetsAtLastRecord = reader.ReadInt64(),
            _tcpFlags = reader.ReadUInt16(),
        };
        byte bits = reader.ReadByte();
        flow._openedByLocal = (bits & 1) != 0;
        flow._synSeen = (bits & 2) != 0;
        flow._finOut = (bits & 4) != 0;
        flow._finIn = (bits & 8) != 0;
        flow._secondFinOut = (bits & 16) != 0;
        flow._protocols = reader.ReadString();
        flow._name = reader.ReadNullable();
        flow._seq = reader.ReadInt32();
        byte closed = reader.ReadByte();
        if (closed > 1 + (byte)FlowEnd.End) throw new InvalidDataException($"a flow closed by {closed}");
        flow.Closed = closed == 0 ? null : (FlowEnd)(closed - 1);
        if (flow._seq < 0 || flow.LastUs < flow.FirstUs || flow.NextInterimUs <= flow.FirstUs)
        {
            throw new InvalidDataException("an open flow that cannot be");
        }
        // Interim records turned off since the checkpoint: none falls due.
        if (interimUs <= 0) flow.NextInterimUs = long.MaxValue;
        return flow;
    }
}

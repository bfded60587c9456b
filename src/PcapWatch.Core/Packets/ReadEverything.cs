namespace PcapWatch.Packets;

/// <summary>A gate that always reads the whole packet (tests, tools, the reference path).</summary>
public struct ReadEverything : IEthernetGate
{
    public readonly bool ShouldContinue(in PacketFields fields) => true;
}

using PcapWatch.Packets;

namespace PcapWatch.Names;

/// <summary>
/// What one DNS answer told one client: <paramref name="Address"/> is <paramref name="Name"/> (the question it asked),
/// from the answer's capture time <paramref name="SeenMs"/> until <paramref name="UntilMs"/> (its TTL plus the grace).
/// </summary>
public readonly record struct NameStatement(IpAddressKey Address, string Name, MacAddress Client, long SeenMs, long UntilMs);

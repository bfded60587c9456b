using System.Globalization;
using System.Text;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;

namespace PcapWatch.Tests.Service;

/// <summary>
/// What an instance tells the others (IP_MAC_BINDINGS): a flood of unwatched MACs' claims is shared only up to a
/// budget a minute, while a watched computer's claims always are.
/// </summary>
public class BindingSharingTests
{
    private static readonly MacAddress Watched = new(0x025057000102);

    private static byte[] Advertisement(double at, MacAddress mac, int n)
    {
        var macText = mac.ToString();
        var target = $"fd77::1:{n >> 16:x}:{n & 0xFFFF:x}";
        return Encoding.UTF8.GetBytes("{\"timestamp\":\"" + (long)(at * 1000) + "\",\"layers\":{\"frame\":{\"frame_frame_time_epoch\":\""
            + at.ToString("0.000", CultureInfo.InvariantCulture) + "\",\"frame_frame_protocols\":\"eth:ethertype:ipv6:icmpv6\"},"
            + "\"eth\":{\"eth_eth_dst\":\"33:33:00:00:00:01\",\"eth_eth_src\":\"" + macText + "\"},\"icmpv6\":{\"icmpv6_icmpv6_type\":\"136\","
            + "\"icmpv6_icmpv6_nd_na_target_address\":\"" + target + "\",\"icmpv6_icmpv6_opt_linkaddr\":\"" + macText + "\"}}}");
    }

    [Test]
    public void A_flood_of_unwatched_claims_is_shared_up_to_the_budget_and_a_watched_computers_claim_always()
    {
        var index = new WatchIndex();
        index.Set(Watched, [new WatchedComputer(Watched, "C1", "1", "E1", "Alice", "E1")]);
        var processor = new LearningPacketProcessor(index, MatchMode.Src | MatchMode.Ip, new IpBindings());
        var sink = new NoSink();
        int shared = 0;
        const double t = 1796090640; // the start of a minute
        for (int i = 0; i < 10_000; i++)
        {
            processor.Process(Advertisement(t + i / 1000.0, new MacAddress(0x0A0000000000 + i), i), ref sink, out _);
            if (processor.Learned is not null) shared++;
        }
        Assert.That(shared, Is.EqualTo(LearningPacketProcessor.UnwatchedSharesPerMinute));
        Assert.That(processor.Unshared, Is.EqualTo(10_000 - LearningPacketProcessor.UnwatchedSharesPerMinute));

        processor.Process(Advertisement(t + 11, Watched, 20_000), ref sink, out _);
        Assert.That(processor.Learned?.Interval.Mac, Is.EqualTo(Watched), "the watched computer's claim is shared in the same minute");
        var outcome = processor.Process(Advertisement(t + 61, new MacAddress(0x0C0000000001), 30_000), ref sink, out var why);
        Assert.That(processor.Learned, Is.Not.Null, $"a new minute, a new budget ({outcome} {why.Detail})");
    }

    private readonly struct NoSink : IMatchSink
    {
        public void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
            string? attributedBy, bool contested)
        {
        }
    }
}

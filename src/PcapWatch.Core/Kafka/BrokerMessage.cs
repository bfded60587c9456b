using System.Text.RegularExpressions;

namespace PcapWatch.Kafka;

/// <summary>
/// Reads librdkafka's per-broker error text, e.g. <c>sasl_ssl://kafka-1:9093/1: Connect to ipv4#10.0.0.7:9093 failed:
/// Connection refused (after 0ms in state CONNECT)</c>: which broker (<c>kafka-1:9093</c>) and what, in a person's
/// words (<c>Connection refused</c>). Only for display and for telling brokers apart; decisions use error codes.
/// </summary>
internal static partial class BrokerMessage
{
    [GeneratedRegex(@"^(?:[a-z_]+://)?(?<node>[^\s/]+)/(?<id>[^\s:]+): (?<text>.+)$", RegexOptions.Singleline)]
    private static partial Regex PerBroker();

    [GeneratedRegex(@"^Connect to \S+ failed: ", RegexOptions.None)]
    private static partial Regex ConnectFailed();

    [GeneratedRegex(@"\s*\(after \d+ms in state [A-Z_]+(?:, \d+ identical error\(s\) suppressed)?\)\s*$", RegexOptions.None)]
    private static partial Regex AfterState();

    public static bool TryParse(string reason, out string broker, out string text)
    {
        var m = PerBroker().Match(reason);
        broker = m.Success ? m.Groups["node"].Value : "";
        text = m.Success ? Text(m.Groups["text"].Value) : Text(reason);
        return m.Success;
    }

    /// <summary>
    /// The reason without the broker prefix, the "Connect to … failed:" preamble and the "(after …)" tail.
    /// </summary>
    public static string Text(string reason)
    {
        var m = PerBroker().Match(reason);
        var text = m.Success ? m.Groups["text"].Value : reason;
        text = ConnectFailed().Replace(text, "");
        return AfterState().Replace(text, "").Trim();
    }
}

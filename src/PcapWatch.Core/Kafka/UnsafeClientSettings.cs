namespace PcapWatch.Kafka;

/// <summary>
/// Client properties that pass through to librdkafka but void a guarantee PcapWatch gives: nothing lost, nothing
/// applied that a transaction aborted, nobody between PcapWatch and the broker. A command refuses them at start unless
/// the user says they know (setting <c>AllowUnsafeKafkaSettings</c>).
/// </summary>
public static class UnsafeClientSettings
{
    /// <summary>One property and what it breaks.</summary>
    public sealed record Finding(string Client, string Property, string Value, string Breaks)
    {
        public override string ToString() => $"Kafka:{Client}:{Property}={Value} {Breaks}";
    }

    private static readonly string[] DeliveryReportFieldsNeeded = ["key", "value", "timestamp", "headers"];

    /// <summary>
    /// What in <paramref name="consumer"/> and <paramref name="producer"/> voids a guarantee, in a fixed order.
    /// </summary>
    public static List<Finding> Find(IReadOnlyDictionary<string, string>? consumer, IReadOnlyDictionary<string, string>? producer)
    {
        var found = new List<Finding>();
        if (consumer is not null) found.AddRange(InConsumer(consumer));
        if (producer is not null) found.AddRange(InProducer(producer));
        return found;
    }

    private static IEnumerable<Finding> InConsumer(IReadOnlyDictionary<string, string> properties)
    {
        const string client = "Consumer";
        if (IsTrue(properties, "enable.auto.commit"))
        {
            yield return new(client, "enable.auto.commit", properties["enable.auto.commit"],
                "commits offsets on a timer, before their matches are acknowledged: a crash loses those matches");
        }
        if (IsTrue(properties, "enable.auto.offset.store"))
        {
            yield return new(client, "enable.auto.offset.store", properties["enable.auto.offset.store"],
                "stores each offset as its record is read, before its match is acknowledged: a commit can pass a lost match");
        }
        if (Is(properties, "isolation.level", "read_uncommitted"))
        {
            yield return new(client, "isolation.level", properties["isolation.level"],
                "reads rows of aborted transactions into the tables and counts them in the tools");
        }
        foreach (var finding in InTransport(client, properties)) yield return finding;
    }

    private static IEnumerable<Finding> InProducer(IReadOnlyDictionary<string, string> properties)
    {
        const string client = "Producer";
        bool idempotent = !IsFalse(properties, "enable.idempotence");
        if (!idempotent)
        {
            yield return new(client, "enable.idempotence", properties["enable.idempotence"],
                "lets a retried record be written twice or out of order: an older changelog value can end up last");
        }
        foreach (var key in new[] { "acks", "request.required.acks" })
        {
            if (properties.TryGetValue(key, out var acks) && acks.Trim() is not ("all" or "-1"))
            {
                yield return new(client, key, acks,
                    "counts a record as delivered before every in-sync replica has it: a broker failure loses matches already committed past");
            }
        }
        if (IsFalse(properties, "dotnet.producer.enable.delivery.reports"))
        {
            yield return new(client, "dotnet.producer.enable.delivery.reports", properties["dotnet.producer.enable.delivery.reports"],
                "hides which records the broker refused: offsets are committed past matches that were never written");
        }
        if (properties.TryGetValue("dotnet.producer.delivery.report.fields", out var fields) && !Covers(fields))
        {
            yield return new(client, "dotnet.producer.delivery.report.fields", fields,
                "drops what a refused record is produced again from (key, value, timestamp and headers are needed)");
        }
        foreach (var finding in InTransport(client, properties)) yield return finding;
    }

    private static IEnumerable<Finding> InTransport(string client, IReadOnlyDictionary<string, string> properties)
    {
        if (IsFalse(properties, "enable.ssl.certificate.verification"))
        {
            yield return new(client, "enable.ssl.certificate.verification", properties["enable.ssl.certificate.verification"],
                "accepts any broker certificate: anyone on the path can read and change the traffic and the credentials");
        }
        if (properties.TryGetValue("ssl.endpoint.identification.algorithm", out var algorithm) && algorithm.Trim().Equals("none",
                StringComparison.OrdinalIgnoreCase))
        {
            yield return new(client, "ssl.endpoint.identification.algorithm", algorithm,
                "accepts a certificate issued for another host: anyone with one can pose as the broker");
        }
        if (properties.TryGetValue("security.protocol", out var protocol)
            && protocol.Trim().Equals("sasl_plaintext", StringComparison.OrdinalIgnoreCase)
            && (!properties.TryGetValue("sasl.mechanism", out var mechanism) || mechanism.Trim().Equals("PLAIN", StringComparison.OrdinalIgnoreCase)))
        {
            yield return new(client, "security.protocol", protocol,
                "with SASL PLAIN sends the password in clear text (use SASL_SSL, or a SCRAM or OAUTHBEARER mechanism)");
        }
    }

    private static bool Is(IReadOnlyDictionary<string, string> properties, string key, string value) =>
        properties.TryGetValue(key, out var actual) && actual.Trim().Equals(value, StringComparison.OrdinalIgnoreCase);

    // librdkafka reads a boolean from true/t/1 and false/f/0, in any case.
    private static bool IsTrue(IReadOnlyDictionary<string, string> properties, string key) =>
        properties.TryGetValue(key, out var value) && value.Trim().ToLowerInvariant() is "true" or "t" or "1";

    private static bool IsFalse(IReadOnlyDictionary<string, string> properties, string key) =>
        properties.TryGetValue(key, out var value) && value.Trim().ToLowerInvariant() is "false" or "f" or "0";

    private static bool Covers(string fields)
    {
        var listed = fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return listed.Contains("all", StringComparer.OrdinalIgnoreCase)
            || DeliveryReportFieldsNeeded.All(needed => listed.Contains(needed, StringComparer.OrdinalIgnoreCase));
    }
}

using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;

namespace PcapWatch.Dashboard;

/// <summary>
/// Writes audit events to a topic (keyed by user, JSON values), so that the trail outlives the page and every page's
/// trail is in one place. A failed delivery is logged and counted; it never stops a request — the log has the event.
/// </summary>
internal sealed class AuditTopicWriter : IDisposable
{
    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly string _topic;
    private readonly ILogger _log;
    private long _failed;

    public AuditTopicWriter(DashboardOptions options, ILogger log, KafkaConnectivity kafka)
    {
        _topic = options.Topics.DashboardAudit;
        _log = log;
        _producer = ClientSettings.BuildProducer(options.BootstrapServers, options.ProducerProperties, kafka);
    }

    public void Write(AuditEvent audited)
    {
        var message = new Message<byte[], byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(audited.User),
            Value = JsonSerializer.SerializeToUtf8Bytes(audited),
            Timestamp = new Timestamp(audited.Time),
        };
        try
        {
            _producer.Produce(_topic, message, Delivered);
        }
        catch (KafkaException ex)
        {
            CountFailure(ex.Error.Reason);
        }
    }

    private void Delivered(DeliveryReport<byte[], byte[]?> report)
    {
        if (report.Error.IsError) CountFailure(report.Error.Reason);
    }

    private void CountFailure(string reason)
    {
        long failed = Interlocked.Increment(ref _failed);
        _log.LogWarning("Audit event not written to {Topic} ({Failed} so far): {Reason}", _topic, failed, reason);
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}

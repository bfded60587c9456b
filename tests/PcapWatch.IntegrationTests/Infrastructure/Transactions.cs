using System.Text;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>
/// Writes as an exactly-once producer does (Kafka Streams, ksqlDB, Connect): each batch in its own transaction, which
/// leaves a commit (or abort) marker after it in every partition it touched.
/// </summary>
internal sealed class Transactions : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;

    public Transactions(string bootstrap)
    {
        var config = ClientSettings.Producer(bootstrap);
        config.TransactionalId = "pcapwatch-test-" + Guid.NewGuid().ToString("N");
        _producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        _producer.InitTransactions(TimeSpan.FromSeconds(30));
    }

    public void Committed(string topic, params (string? Key, string? Value)[] records) => Write(topic, records, commit: true);

    public void Committed(string topic, IEnumerable<byte[]> values) => Write(topic, values.Select(v => ((string?)null, (byte[]?)v)), commit: true);

    public void Aborted(string topic, params (string? Key, string? Value)[] records) => Write(topic, records, commit: false);

    public void Aborted(string topic, IEnumerable<byte[]> values) => Write(topic, values.Select(v => ((string?)null, (byte[]?)v)), commit: false);

    private void Write(string topic, IEnumerable<(string? Key, string? Value)> records, bool commit) =>
        Write(topic, records.Select(r => (r.Key, r.Value is null ? null : Encoding.UTF8.GetBytes(r.Value))), commit);

    private void Write(string topic, IEnumerable<(string? Key, byte[]? Value)> records, bool commit)
    {
        _producer.BeginTransaction();
        foreach (var (key, value) in records)
        {
            _producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = key is null ? null : Encoding.UTF8.GetBytes(key), Value = value });
        }
        if (commit) _producer.CommitTransaction(TimeSpan.FromSeconds(30));
        else _producer.AbortTransaction(TimeSpan.FromSeconds(30));
        Assert.That(_producer.Flush(TimeSpan.FromSeconds(30)), Is.Zero);
    }

    public void Dispose() => _producer.Dispose();
}

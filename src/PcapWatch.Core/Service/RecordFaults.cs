namespace PcapWatch.Service;

/// <summary>Which exceptions, caught around one record's processing, are that record's fault.</summary>
public static class RecordFaults
{
    /// <summary>
    /// True for faults of processing a record, false for faults of the process or its environment (memory, Kafka,
    /// disk, shutdown), which must still stop or retry the loop rather than dead-letter a good record.
    /// </summary>
    public static bool AreTheRecords(Exception ex) =>
        ex is not (OutOfMemoryException or Confluent.Kafka.KafkaException or IOException or ObjectDisposedException
            or OperationCanceledException);
}

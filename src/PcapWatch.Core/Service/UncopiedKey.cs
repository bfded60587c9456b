namespace PcapWatch.Service;

/// <summary>
/// The key type of the pcap consumer: nothing. Confluent.Kafka would copy every record's key into a new array (29 B a
/// record at the benchmark's key size) although the loop needs a key only for a record it dead-letters;
/// <see cref="PacketDecider"/> reads the key where it lies and keeps a copy only of a rejected record's.
/// </summary>
public readonly struct UncopiedKey;

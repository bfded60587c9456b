using System.Net;
using System.Text.Json;
using PcapWatch.Kafka;
using PcapWatch.Packets;

using PcapWatch.Ingest;
using PcapWatch.Join;
using PcapWatch.Output;
using PcapWatch.Service;

namespace PcapWatch.Tools;

/// <summary>A watched computer as the index publishes it (COMP_WATCH_BY_MACADDR).</summary>
public sealed record WatchedOwner(string Mac, string? EmpId, string? EmpName, string? EmpKey, string? CompId);

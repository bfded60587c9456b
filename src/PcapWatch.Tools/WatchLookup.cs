using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Tools;

/// <summary>
/// <c>who MAC|IP [--at TIME]</c>: whom a MAC belongs to now, from the index the service publishes (the changelog topic:
/// latest row per MAC, a tombstone when it stops being watched), the last IP seen for it in the matched traffic, which
/// MAC held an IP address at a time (IP_MAC_BINDINGS, written with --match ip), and to whom a MAC's matched traffic
/// was attributed at a time (the output topic: each owner's first and last match per MAC).
/// </summary>
public sealed class WatchLookup
{
    private readonly Dictionary<long, WatchedOwner> _owners = new();
    // Per MAC, each employee its matched traffic was attributed to, with the first and last capture (record) time.
    private readonly Dictionary<long, Dictionary<string, AttributionPeriod>> _attributions = new();

    /// <summary>
    /// The tables as versioned tables: who owned each MAC when (rows valid from valid_from or their record time).
    /// </summary>
    public OwnershipHistory Tables { get; } = new() { Retention = TimeSpan.MaxValue };
    private readonly HashSet<long> _tableMacs = new();

    /// <summary>The bindings the instances published (empty when none ran with --match ip).</summary>
    public IpBindings Bindings { get; } = new() { Retention = TimeSpan.MaxValue, MaxAddresses = int.MaxValue };

    /// <summary>Records of either topic that could not be read, skipped with a warning.</summary>
    public UnreadableRecords Unreadable { get; }

    /// <param name="log">Where records it cannot read are named (none: counted only).</param>
    public WatchLookup(Microsoft.Extensions.Logging.ILogger? log = null) => Unreadable = new UnreadableRecords(log);

    /// <summary>
    /// Output records that are no row an answer can use (not a JSON object, no MAC address in it), skipped.
    /// </summary>
    public long NotRows { get; private set; }

    /// <summary>Output records read again (produced again after a crash): each match is seen once.</summary>
    public RepeatFilter Repeats { get; } = new();

    private readonly Dictionary<long, Sighting> _lastByMac = new();
    private readonly Dictionary<long, (string Ip, DateTimeOffset When)> _lastIpByMac = new();
    private readonly Dictionary<string, Sighting> _lastByIp = new(StringComparer.OrdinalIgnoreCase);

    public static WatchLookup Read(string bootstrapServers, TopicNames topics, IReadOnlyDictionary<string, string>? properties,
        MatchValueDecoder decoder, KafkaConnectivity kafka, Microsoft.Extensions.Logging.ILogger log, CancellationToken cancel,
        TimeSpan? timeout = null)
    {
        var lookup = new WatchLookup(log);
        void Add(ConsumeResult<byte[]?, byte[]?> record) => lookup.Add(record, topics, decoder);
        TopicSnapshot.Read(bootstrapServers, topics.Employees, properties, kafka, Add, cancel, timeout);
        TopicSnapshot.Read(bootstrapServers, topics.Computers, properties, kafka, Add, cancel, timeout);
        lookup.TablesRead();
        TopicSnapshot.Read(bootstrapServers, topics.Changelog, properties, kafka, Add, cancel, timeout);
        TopicSnapshot.Read(bootstrapServers, topics.Output, properties, kafka, Add, cancel, timeout);
        try
        {
            TopicSnapshot.Read(bootstrapServers, topics.IpMacBindings, properties, kafka, Add, cancel, timeout);
        }
        catch (KafkaUnavailableException ex) when (ex.Reason == KafkaUnavailableReason.TopicMissing)
        {
            // No instance attributes by IP here: there are no bindings to tell, which is an answer, not an error.
        }
        return lookup;
    }

    /// <summary>
    /// One record of any of the topics <c>who</c> reads, by its topic: whatever it holds (its key, value, headers, any
    /// timestamp at all) either counts or is counted in <see cref="Unreadable"/> and skipped. The table topics come
    /// first, then <see cref="TablesRead"/>.
    /// </summary>
    public void Add(ConsumeResult<byte[]?, byte[]?> record, TopicNames topics, MatchValueDecoder decoder)
    {
        var (key, value, timestampMs) = (record.Message.Key, record.Message.Value, record.Message.Timestamp.UnixTimestampMs);
        var topic = record.Topic;
        if (topic == topics.Employees || topic == topics.Computers)
        {
            Unreadable.Guard(record, () => AddTableRow(employees: topic == topics.Employees, key, value, timestampMs));
        }
        else if (topic == topics.Changelog) Unreadable.Guard(record, () => AddIndexRow(key, value));
        else if (topic == topics.Output)
        {
            if (Repeats.IsFirst(record)) Unreadable.Guard(record, () => AddMatch(timestampMs, decoder.ToJson(value, topics.Output)));
        }
        else if (topic == topics.IpMacBindings) Unreadable.Guard(record, () => AddBinding(value));
    }

    /// <summary>
    /// One record of a table topic, as a version valid from its <c>valid_from</c> or <paramref name="timestampMs"/>.
    /// </summary>
    public void AddTableRow(bool employees, byte[]? key, byte[]? value, long timestampMs)
    {
        Rejection rejection;
        if (employees)
        {
            if (TableRecordParser.TryParseEmployee(key, key is not null, value, value is null, out var employee, out rejection))
            {
                Tables.Record(employee, ValidFrom(employee.Row?.ValidFrom, timestampMs), _tableMacs);
                return;
            }
        }
        else if (TableRecordParser.TryParseComputer(key, key is not null, value, value is null, out var computer, out rejection))
        {
            Tables.Record(computer, ValidFrom(computer.Row?.ValidFrom, timestampMs), _tableMacs);
            return;
        }
        throw new InvalidDataException(rejection.Detail);
    }

    private static long ValidFrom(string? text, long timestampMs) =>
        ValidTime.TryResolve(text, timestampMs, out long ms, out var problem) ? ms : throw new InvalidDataException(problem);

    /// <summary>After the table topics: every MAC's ownership timeline made.</summary>
    public void TablesRead() => Tables.RebuildAll(_tableMacs);

    /// <summary>
    /// The watched owners of <paramref name="mac"/> at <paramref name="at"/>, by the tables' history.
    /// </summary>
    public WatchedComputer[] OwnersAt(MacAddress mac, DateTimeOffset at) => Tables.OwnersAt(mac, at.ToUnixTimeMilliseconds());

    public void AddBinding(byte[]? value)
    {
        if (value is null) return;
        if (!BindingRecord.TryDecode(value, out var address, out var interval, out var problem))
        {
            throw new InvalidDataException($"not a binding: {problem}");
        }
        Bindings.Adopt(address, interval);
    }

    public void AddIndexRow(byte[]? key, byte[]? value)
    {
        if (key is null || !MacAddress.TryParse(key, out var mac)) return;
        if (value is null)
        {
            _owners.Remove(mac.Value);
            return;
        }
        WatchedOwner owner;
        try
        {
            using var doc = JsonDocument.Parse(value);
            var r = doc.RootElement;
            owner = new WatchedOwner(mac.ToString(), JsonColumns.Text(r, "EMP_ID"), JsonColumns.Text(r, "EMP_NAME"), JsonColumns.Text(r, "EMP_KEY"),
                JsonColumns.Text(r, "COMP_ID"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not a row this service wrote (not JSON, or a string no .NET string can hold, such as half an emoji): the
            // reader counts and skips it, and the MAC keeps the owner it had.
            throw new InvalidDataException($"not an index row: {ex.Message}", ex);
        }
        _owners[mac.Value] = owner;
    }

    public void AddMatch(long timestampMs, byte[]? value)
    {
        if (value is not null && MatchRecord.TryParse(value) is { } match) AddMatch(timestampMs, match);
        else NotRows++;
    }

    public void AddMatch(long timestampMs, MatchRecord match)
    {
        if (match.Mac is not { } macText || !MacAddress.TryParse(macText, out var mac))
        {
            NotRows++;
            return;
        }
        var ip = match.WatchedIp;
        // An unspecified source (a DHCP client's 0.0.0.0, IPv6 duplicate-address detection's ::) is no address of the
        // computer's: "last IP ::" told an analyst nothing.
        if (ip is not null && IsUnspecified(ip)) ip = null;
        // The last sighting and the last address are kept apart, each the latest by time whatever order the records
        // come in (partitions interleave): ARP and other non-IP packets carry no address, and must not lose the last
        // one.
        var sighting = new Sighting(mac.ToString(), ip, match.EmpId, match.EmpName, UnixTime.ToDateTimeOffset(timestampMs));
        NoteAttribution(mac, sighting);
        if (match.Name is { } name) NoteVisit(name, sighting);
        if (!_lastByMac.TryGetValue(mac.Value, out var known) || known.When <= sighting.When) _lastByMac[mac.Value] = sighting;
        if (ip is null) return;
        if (!_lastIpByMac.TryGetValue(mac.Value, out var knownIp) || knownIp.When <= sighting.When) _lastIpByMac[mac.Value] = (ip, sighting.When);
        if (!_lastByIp.TryGetValue(ip, out var byIp) || byIp.When <= sighting.When) _lastByIp[ip] = sighting;
    }

    private void NoteAttribution(MacAddress mac, Sighting sighting)
    {
        if (!_attributions.TryGetValue(mac.Value, out var byEmployee)) _attributions[mac.Value] = byEmployee = new();
        var key = sighting.EmpId ?? "";
        byEmployee[key] = byEmployee.TryGetValue(key, out var seen)
            ? seen with { First = Min(seen.First, sighting.When), Last = Max(seen.Last, sighting.When) }
            : new AttributionPeriod(sighting.EmpId, sighting.EmpName, sighting.When, sighting.When);
    }

    /// <summary>An employee's matches with one name (run --names): the first and the last, and how many.</summary>
    public sealed record Visit(string Name, string? EmpId, string? EmpName, DateTimeOffset First, DateTimeOffset Last, long Matches);

    private readonly Dictionary<(string Name, string EmpId), Visit> _visits = new();

    private void NoteVisit(string name, Sighting sighting)
    {
        var key = (name, sighting.EmpId ?? "");
        _visits[key] = _visits.TryGetValue(key, out var seen)
            ? seen with { First = Min(seen.First, sighting.When), Last = Max(seen.Last, sighting.When), Matches = seen.Matches + 1 }
            : new Visit(name, sighting.EmpId, sighting.EmpName, sighting.When, sighting.When, 1);
    }

    /// <summary>
    /// Who visited <paramref name="name"/> or a name under it (<c>example.com</c> covers <c>www.example.com</c>), by name
    /// visited and employee, first visit first.
    /// </summary>
    public IReadOnlyList<Visit> Visitors(string name) => _visits.Values
        .Where(v => v.Name == name || v.Name.EndsWith("." + name, StringComparison.Ordinal))
        .OrderBy(v => v.First).ThenBy(v => v.Name, StringComparer.Ordinal).ToList();

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>An employee a MAC's matched traffic was attributed to, from its first to its last match.</summary>
    public sealed record AttributionPeriod(string? EmpId, string? EmpName, DateTimeOffset First, DateTimeOffset Last);

    /// <summary>
    /// To whom a MAC's matched traffic was attributed at <paramref name="at"/>: the employee whose matches span it, or
    /// else the one matched last before it (null when nothing was matched at or before it).
    /// </summary>
    public AttributionPeriod? AttributedAt(MacAddress mac, DateTimeOffset at)
    {
        if (!_attributions.TryGetValue(mac.Value, out var byEmployee)) return null;
        return byEmployee.Values.Where(a => a.First <= at && at <= a.Last).OrderByDescending(a => a.First).FirstOrDefault()
            ?? byEmployee.Values.Where(a => a.Last <= at).OrderByDescending(a => a.Last).FirstOrDefault();
    }

    /// <summary>
    /// The MACs claiming an address at a time (null: at the newest binding), each with its interval; two or more when
    /// the address was contested then.
    /// </summary>
    public List<IpBindings.Interval> ClaimantsAt(IPAddress ip, DateTimeOffset? at)
    {
        var claimants = new List<IpBindings.Interval>();
        foreach (var claim in Bindings.ClaimsAt(IpAddressKey.From(ip), at?.ToUnixTimeMilliseconds())) claimants.Add(claim);
        return claimants;
    }

    private static bool IsUnspecified(string ip) =>
        IPAddress.TryParse(ip, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    /// <summary>Every MAC watched now and its owner.</summary>
    public IEnumerable<WatchedOwner> Owners => _owners.Values;

    /// <summary>
    /// The owner of a MAC now (null when it is not watched) and its last sighting (null when never seen).
    /// </summary>
    public (WatchedOwner? Owner, Sighting? Last) ByMac(MacAddress mac)
    {
        var last = _lastByMac.GetValueOrDefault(mac.Value);
        if (last is not null) last = last with { Ip = _lastIpByMac.TryGetValue(mac.Value, out var ip) ? ip.Ip : null };
        return (_owners.GetValueOrDefault(mac.Value), last);
    }

    /// <summary>
    /// The last matched packet from (or to) a watched computer with this IP, and that computer's owner now.
    /// </summary>
    public (WatchedOwner? Owner, Sighting? Last) ByIp(IPAddress ip)
    {
        var last = _lastByIp.GetValueOrDefault(ip.ToString());
        var owner = last is not null && MacAddress.TryParse(last.Mac, out var mac) ? _owners.GetValueOrDefault(mac.Value) : null;
        return (owner, last);
    }
}

using System.Text;
using System.Text.Json;
using CsCheck;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Output;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Join;

/// <summary>
/// Fuzzing of the whole record path: real records, mutated the ways producers and networks break them, pushed through
/// the code the pcap loop (<see cref="PacketProcessor"/> + the JSON encoder) and the table loaders
/// (<see cref="TableRecordParser"/> + <see cref="WatchIndexMaintainer"/> over FASTER on disk) run. The property: nothing
/// throws, and each record has exactly one outcome. Shared by the unit test (short) and the benchmark's
/// <c>fuzz --seconds N</c> (long).
/// </summary>
public sealed class RecordFuzz : IDisposable
{
    public enum Mutation { BitFlip, Truncate, Splice, UnicodeEscape, InvalidUtf8, HugeString, DeepNesting, NumberForString, Duplicate }

    /// <summary>One case: a seed record and the mutations applied to it, in order.</summary>
    public sealed record Case(int Seed, (Mutation Kind, int A, int B)[] Steps, bool IsTable, bool IsComputer)
    {
        public override string ToString() => $"{(IsTable ? IsComputer ? "computer" : "employee" : "packet")} seed {Seed}: "
            + string.Join(", ", Steps.Select(s => $"{s.Kind}({s.A},{s.B})"));
    }

    private static readonly string[] EmployeeSeeds =
    [
        """{"key":"100","name":"Tom Jones","watch_flag":"YES"}""",
        """{"key":"101","name":"Ann Lee","watch_flag":"NO"}""",
        """{"key":"102","name":"Jos\u00e9 \ud83d\ude00","watch_flag":"yes"}""",
    ];

    private static readonly string[] ComputerSeeds =
    [
        """{"comp_id":1,"empkey":"100","macaddr":"02:42:ac:11:00:02"}""",
        """{"comp_id":"2","empkey":"101","macaddr":"AA-BB-CC-DD-EE-FF"}""",
        """{"comp_id":3,"empkey":"100","macaddr":"00:00:00:00:00:00"}""",
    ];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pcapwatch-fuzz-" + Guid.NewGuid().ToString("N"));
    private readonly FasterTableStore _employees;
    private readonly FasterTableStore _computers;
    private readonly WatchIndexMaintainer _maintainer;
    private readonly LearningPacketProcessor _processor;
    private readonly List<byte[]> _packets;
    private CountingSink _sink = new(new JsonMatchEncoder());

    /// <param name="packets">Real packet records (every shape) to mutate; their Ethernet addresses become watched.</param>
    public RecordFuzz(List<byte[]> packets, MatchMode mode = MatchMode.Both)
    {
        _packets = packets;
        _employees = FasterTableStore.Create(Path.Combine(_dir, "employees"), 1L << 10);
        _computers = FasterTableStore.Create(Path.Combine(_dir, "computers"), 1L << 10);
        _maintainer = new WatchIndexMaintainer(_employees, _computers);
        _maintainer.Apply(new TableChange<EmployeeRow>("100", new EmployeeRow("100", "Tom Jones", "YES")));
        var fields = new PacketFields();
        int i = 0;
        foreach (var packet in packets)
        {
            PacketExtractor.Extract(packet, ref fields);
            // Every other address is watched, so seeds match, skip, and mutate into each other.
            if (fields.EthSrc is { } mac && i++ % 2 == 0)
            {
                var key = "c" + mac.Value;
                _maintainer.Apply(new TableChange<ComputerRow>(key, new ComputerRow(key, key, "100", mac.ToString())));
            }
        }
        _processor = new LearningPacketProcessor(_maintainer.Index, mode, (mode & MatchMode.Ip) != 0 ? new IpBindings() : null);
    }

    public long Cases { get; private set; }
    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    /// <summary>Cases: 2 in 3 packets, the rest table rows; 1 to 4 mutations each.</summary>
    public Gen<Case> Generator =>
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, int.MaxValue - 1], Gen.Bool,
            Gen.Select(Gen.Enum<Mutation>(), Gen.Int[0, int.MaxValue - 1], Gen.Int[0, int.MaxValue - 1]).Array[1, 4])
            .Select((kind, seed, computer, steps) => new Case(kind == 0 ? seed % (EmployeeSeeds.Length + ComputerSeeds.Length) : seed % _packets.Count,
                steps, kind == 0, computer));

    public byte[] Build(Case c)
    {
        byte[] record = c.IsTable
            ? Encoding.UTF8.GetBytes(c.IsComputer ? ComputerSeeds[c.Seed % ComputerSeeds.Length] : EmployeeSeeds[c.Seed % EmployeeSeeds.Length])
            : _packets[c.Seed];
        foreach (var (kind, a, b) in c.Steps) record = Mutate(record, kind, a, b);
        return record;
    }

    /// <summary>Runs one case through the real code and checks the property; throws when it does not hold.</summary>
    public void Check(Case c)
    {
        var record = Build(c);
        Cases++;
        string outcome = c.IsTable ? CheckTableRow(record, c.IsComputer, c.Seed) : CheckPacket(record);
        Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
    }

    private string CheckPacket(byte[] record)
    {
        _sink.Matches = 0;
        var outcome = _processor.Process(record, ref _sink, out var rejection);
        switch (outcome)
        {
            case PacketOutcome.Matched when _sink.Matches == 0:
                throw new InvalidOperationException("matched without a match");
            case PacketOutcome.Skipped or PacketOutcome.Rejected when _sink.Matches > 0:
                throw new InvalidOperationException($"{outcome} but {_sink.Matches} matches were emitted");
            case PacketOutcome.Rejected when string.IsNullOrEmpty(rejection.Code) || string.IsNullOrEmpty(rejection.Detail):
                throw new InvalidOperationException("rejected without a reason");
            case PacketOutcome.Rejected:
                return "packet " + rejection.Code;
            default:
                return "packet " + outcome.ToString().ToLowerInvariant();
        }
    }

    private string CheckTableRow(byte[] value, bool computer, int seed)
    {
        // Keys are mutated too, sometimes: a key is bytes like the value.
        byte[]? key = seed % 3 == 0 ? null : seed % 3 == 1 ? Encoding.UTF8.GetBytes("k" + seed % 5) : value.Length > 0 ? value[..Math.Min(8, value.Length)] : null;
        bool parsed;
        Rejection rejection;
        if (computer)
        {
            parsed = TableRecordParser.TryParseComputer(key, key is not null, value, false, out var change, out rejection);
            if (parsed) _maintainer.Apply(change);
        }
        else
        {
            parsed = TableRecordParser.TryParseEmployee(key, key is not null, value, false, out var change, out rejection);
            if (parsed) _maintainer.Apply(change);
        }
        if (!parsed && (string.IsNullOrEmpty(rejection.Code) || string.IsNullOrEmpty(rejection.Detail)))
        {
            throw new InvalidOperationException("table row rejected without a reason");
        }
        return parsed ? "table applied" : "table " + rejection.Code;
    }

    public static byte[] Mutate(byte[] record, Mutation kind, int a, int b)
    {
        int at = record.Length == 0 ? 0 : a % (record.Length + 1);
        switch (kind)
        {
            case Mutation.BitFlip when record.Length > 0:
                {
                    var copy = (byte[])record.Clone();
                    copy[a % record.Length] ^= (byte)(1 << (b % 8));
                    return copy;
                }
            case Mutation.Truncate:
                return record[..at];
            case Mutation.Splice:
                {
                    // The head of this record and the tail of itself at another place: two records cut and joined.
                    int from = record.Length == 0 ? 0 : b % record.Length;
                    return [.. record.AsSpan(0, at), .. record.AsSpan(from)];
                }
            case Mutation.UnicodeEscape:
                {
                    // Inside a name or a value (just after a quote), surrogates and all.
                    int quote = record.AsSpan(at).IndexOf((byte)'"');
                    int place = quote < 0 ? at : at + quote + 1;
                    ushort[] units = [0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x0000, 0x0022, 0x005C, 0x00E9];
                    var escape = Encoding.ASCII.GetBytes($"\\u{(b % 2 == 0 ? units[b / 2 % units.Length] : b & 0xFFFF):x4}");
                    return [.. record.AsSpan(0, place), .. escape, .. record.AsSpan(place)];
                }
            case Mutation.InvalidUtf8:
                {
                    byte[][] bad = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80]];
                    int quote = record.AsSpan(at).IndexOf((byte)'"');
                    int place = quote < 0 ? at : at + quote + 1;
                    return [.. record.AsSpan(0, place), .. bad[b % bad.Length], .. record.AsSpan(place)];
                }
            case Mutation.HugeString:
                {
                    int quote = record.AsSpan(at).IndexOf((byte)'"');
                    int place = quote < 0 ? at : at + quote + 1;
                    var filler = new byte[b % 200_000];
                    filler.AsSpan().Fill((byte)"aé:0\\"[b % 3]);
                    return [.. record.AsSpan(0, place), .. filler, .. record.AsSpan(place)];
                }
            case Mutation.DeepNesting:
                {
                    int depth = b % 2000;
                    var open = Encoding.ASCII.GetBytes(b % 2 == 0 ? "[" : "{\"a\":");
                    var close = Encoding.ASCII.GetBytes(b % 2 == 0 ? "]" : "}");
                    var result = new List<byte>(record.Length + depth * 6);
                    result.AddRange(record.AsSpan(0, at).ToArray());
                    for (int i = 0; i < depth; i++) result.AddRange(open);
                    result.Add((byte)'1');
                    for (int i = 0; i < depth; i++) result.AddRange(close);
                    result.AddRange(record.AsSpan(at).ToArray());
                    return [.. result];
                }
            case Mutation.NumberForString:
                {
                    // The string value after position at becomes a number (a MAC as 12 digits, or a float).
                    int colon = record.AsSpan(at).IndexOf(":\""u8);
                    if (colon < 0) return record;
                    int start = at + colon + 1;
                    int end = record.AsSpan(start + 1).IndexOf((byte)'"');
                    if (end < 0) return record;
                    var number = Encoding.ASCII.GetBytes(b % 2 == 0 ? "123456789012" : "-1.5e300");
                    return [.. record.AsSpan(0, start), .. number, .. record.AsSpan(start + end + 2)];
                }
            case Mutation.Duplicate:
                return [.. record, .. record];
            default:
                return record;
        }
    }

    public void Dispose()
    {
        _employees.Dispose();
        _computers.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder: best effort
        }
    }

    /// <summary>Encodes every match as the pcap loop does and checks that the output is JSON.</summary>
    private struct CountingSink(JsonMatchEncoder encoder) : IMatchSink
    {
        public int Matches;

        public void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
            string? attributedBy, bool contested)
        {
            var value = encoder.Encode(packet, in fields, mac, in owner, direction, attributedBy);
            using var doc = JsonDocument.Parse(value);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidOperationException("output is not an object");
            Matches++;
        }
    }
}

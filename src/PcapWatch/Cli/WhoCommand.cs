using System.CommandLine;
using System.Net;
using PcapWatch.Bindings;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary>
/// <c>who MAC|IP [--at TIME]</c>: which watched employee an address belongs to now, and where it was last seen; with
/// <c>--at</c>, which MAC held an IP address then (the bindings --match ip shares) and to whom that MAC's traffic was
/// attributed then.
/// </summary>
internal static class WhoCommand
{
    public static Command Create()
    {
        var reader = new OutputReaderOptions();
        var addresses = new Argument<string[]>("address")
        {
            Description = "MAC addresses (any spelling), IP addresses, or names visited (run --names: who visited example.com, and when)",
            Arity = ArgumentArity.OneOrMore,
        };
        var changelog = CommonOptions.ChangelogTopic();
        var at = new Option<string?>("--at")
        {
            Description = "A moment to answer for instead of now: ISO-8601 (2026-12-01T02:04:15Z; no zone = UTC) or Unix epoch seconds",
        };
        var bindingsTopic = new Option<string>("--bindings-topic")
        {
            Description = "The topic the instances share IP-MAC bindings through (--match ip)",
            DefaultValueFactory = _ => TopicNames.Default.IpMacBindings,
        };
        var flows = new Option<bool>("--flows")
        {
            Description = "List the flows (run --flows) of a MAC, or with an IP address on either end, oldest first: one line each with "
                + "its newest record (a flow still open says active)",
        };
        var from = new Option<string?>("--from") { Description = "With --flows: only flows still going at or after this moment (as --at)" };
        var to = new Option<string?>("--to") { Description = "With --flows: only flows that began at or before this moment (as --at)" };
        var command = new Command("who", "Which watched employee, if any, a MAC belongs to now (from the index the service "
            + "publishes to COMP_WATCH_BY_MACADDR), and the last IP seen for it in the matched traffic; for an IP, the watched "
            + "computer last seen with it, and the MAC it is bound to (--match ip). With --at, the same for a moment in the past: "
            + "the MAC that held the IP then, who owned that computer then by the tables' history (rows valid from their "
            + "valid_from or record time), and to whom its traffic was attributed then. For a name (matches made with run --names): "
            + "who visited it or a name under it, with their first and last match and how many. Exit code 0 when every address is "
            + "watched (or seen, or was at --at), 4 otherwise."
            + CommonOptions.Examples(
                "pcapwatch who -b localhost:9092 02:50:57:00:00:02",
                "pcapwatch who -b localhost:9092 0250.5700.0002 10.0.0.2",
                "pcapwatch who -b localhost:9092 192.168.10.102 --at 2026-12-01T02:04:15Z",
                "pcapwatch who -b localhost:9092 example.com",
                "pcapwatch who -b localhost:9092 02:50:57:00:00:02 --flows --from 2026-12-07T09:00:00Z --to 2026-12-07T10:00:00Z"))
        {
            addresses, changelog, at, bindingsTopic, flows, from, to,
        };
        reader.AddTo(command);
        command.SetAction(parse => parse.GetValue(flows)
            ? RunFlows(parse, reader, parse.GetValue(addresses)!, parse.GetValue(from), parse.GetValue(to))
            : Run(parse, reader, parse.GetValue(addresses)!, parse.GetValue(at),
            TopicNames.Default with { Changelog = parse.GetValue(changelog)!, IpMacBindings = parse.GetValue(bindingsTopic)! }));
        return command;
    }

    private static int Run(ParseResult parse, OutputReaderOptions reader, string[] queries, string? atText, TopicNames topics)
    {
        var (settings, servers, timeout) = reader.Load(parse);
        foreach (var q in queries)
        {
            if (!MacAddress.TryParse(q, out _) && !IPAddress.TryParse(q, out _) && SiteName(q) is null)
            {
                throw new SettingsException($"'{q}' is neither a MAC address, an IP address nor a name");
            }
        }
        DateTimeOffset? moment = atText is { } text
            ? ParseMoment(text) ?? throw new SettingsException($"--at '{text}' is neither an ISO-8601 time nor Unix epoch seconds")
            : null;
        using var signal = new ShutdownSignal();
        using var decoder = new MatchValueDecoder(settings.SchemaRegistry);
        var lookup = WatchLookup.Read(servers, topics, settings.Kafka.Consumer, decoder, ToolLogging.Kafka,
            ToolLogging.Loggers.CreateLogger("PcapWatch.Tools.WatchLookup"), signal.Token, timeout);
        bool allFound = true;
        foreach (var q in queries)
        {
            allFound &= MacAddress.TryParse(q, out _) || IPAddress.TryParse(q, out _)
                ? moment is { } when ? AnswerAt(lookup, q, when, Console.Out) : Answer(lookup, q, Console.Out)
                : AnswerName(lookup, SiteName(q)!, Console.Out);
        }
        Console.Out.Flush();
        SaySkipped(lookup);
        return allFound ? ExitCodes.Ok : ExitCodes.NotWatched;
    }

    private static int RunFlows(ParseResult parse, OutputReaderOptions reader, string[] queries, string? fromText, string? toText)
    {
        var (settings, servers, timeout) = reader.Load(parse);
        DateTimeOffset? Moment(string? text, string flag) => text is null ? null
            : ParseMoment(text) ?? throw new SettingsException($"{flag} '{text}' is neither an ISO-8601 time nor Unix epoch seconds");
        using var signal = new ShutdownSignal();
        return WhoFlows.Run(servers, settings.Kafka.Consumer, timeout, TopicNames.Default.Flows, queries, Moment(fromText, "--from"),
            Moment(toText, "--to"), signal.Token);
    }

    /// <summary>
    /// A name as the matches carry it (lower case, no trailing dot), or null when it cannot be one: letters, digits, '-',
    /// '_' and '.', with a letter somewhere (10.0.0.999 is a mistyped address, not a name).
    /// </summary>
    private static string? SiteName(string text) =>
        text.Any(char.IsAsciiLetter) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? NameText.Normalize(System.Text.Encoding.UTF8.GetBytes(text), isHost: false)
            : null;

    /// <summary>Who visited a name (or a name under it), and when: one line per employee and name visited.</summary>
    private static bool AnswerName(WatchLookup lookup, string name, TextWriter output)
    {
        var visits = lookup.Visitors(name);
        if (visits.Count == 0)
        {
            output.WriteLine($"{name}  not visited in the matched traffic (names are in matches made with run --names)");
            return false;
        }
        foreach (var v in visits)
        {
            output.WriteLine($"{name}  visited by {v.EmpName} ({v.EmpId}) as {v.Name}: {v.Matches} matches, first {v.First.UtcDateTime:O}, "
                + $"last {v.Last.UtcDateTime:O}");
        }
        return true;
    }

    private static void SaySkipped(WatchLookup lookup)
    {
        bool skipped = lookup.Unreadable.Count > 0 || lookup.NotRows > 0;
        if (!skipped && lookup.Repeats.Repeats == 0 && lookup.Repeats.Unverifiable == 0) return;
        Serilog.Log.Write(skipped ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Information,
            "Who: answered from the readable records; {Unreadable} unreadable records skipped, {NotRows} output records that were "
            + "not rows, {Repeats} repeats not counted again, {Unverifiable} without an origin",
            lookup.Unreadable.Count, lookup.NotRows, lookup.Repeats.Repeats, lookup.Repeats.Unverifiable);
    }

    /// <summary>ISO-8601 (a time without a zone is UTC) or Unix epoch seconds (fractions allowed).</summary>
    internal static DateTimeOffset? ParseMoment(string text)
    {
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            && seconds is >= 0 and < 253402300800)
        {
            return UnixTime.ToDateTimeOffset((long)Math.Round(seconds * 1000));
        }
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var moment) ? moment : null;
    }

    private static string Stamp(long ms) => ms == long.MaxValue ? "no end" : UnixTime.ToDateTimeOffset(ms).UtcDateTime.ToString("O");

    private static string Describe(PcapWatch.Bindings.IpBindings.Interval held) =>
        $"{held.Mac} ({PcapWatch.Bindings.BindingEvidence.Describe(held.Source)}, {Stamp(held.FromMs)} to {Stamp(held.UntilMs)})";

    /// <summary>
    /// The answer for a moment in the past: what held the address then (every claimant, when it was contested), and
    /// whom each one's traffic was attributed to.
    /// </summary>
    private static bool AnswerAt(WatchLookup lookup, string query, DateTimeOffset at, TextWriter output)
    {
        var when = at.UtcDateTime.ToString("O");
        if (MacAddress.TryParse(query, out var mac)) return AnswerMacAt(lookup, mac, $"{mac}  at {when}", at, output);
        var ip = IPAddress.Parse(query);
        var claimants = lookup.ClaimantsAt(ip, at);
        if (claimants.Count == 0)
        {
            output.WriteLine($"{ip}  at {when}: bound to no MAC (no DHCP lease, ARP or NDP binding known for it then)");
            return false;
        }
        bool any = false;
        foreach (var claim in claimants)
        {
            var prefix = claimants.Count == 1
                ? $"{ip}  at {when}: held by {Describe(claim)}"
                : $"{ip}  at {when}: CONTESTED by {claimants.Count} MACs, claimed by {Describe(claim)}";
            any |= AnswerMacAt(lookup, claim.Mac, prefix, at, output);
        }
        return any;
    }

    private static bool AnswerMacAt(WatchLookup lookup, MacAddress mac, string prefix, DateTimeOffset at, TextWriter output)
    {
        var (owner, _) = lookup.ByMac(mac);
        var now = owner is null ? "not watched now" : $"watched now: {owner.EmpName} ({owner.EmpId})";
        var owners = lookup.OwnersAt(mac, at);
        var tables = owners.Length == 0
            ? "no watched owner then in the tables"
            : "owned then by " + string.Join(", ", owners.Select(o => $"{o.EmpName} ({o.EmpId}), computer {o.CompId}")) + " (tables)";
        if (lookup.AttributedAt(mac, at) is not { } then)
        {
            output.WriteLine($"{prefix}: {tables}; no matched traffic at or before then; {now}");
            return owners.Length > 0;
        }
        var span = then.First <= at && at <= then.Last ? "its matched traffic then was attributed to" : "its last "
            + "matched traffic before then was attributed to";
        output.WriteLine($"{prefix}: {tables}; {span} {then.EmpName} ({then.EmpId}), matches "
            + $"{then.First.UtcDateTime:O} to {then.Last.UtcDateTime:O}; {now}");
        return true;
    }

    private static bool Answer(WatchLookup lookup, string query, TextWriter output)
    {
        if (MacAddress.TryParse(query, out var mac))
        {
            var (owner, last) = lookup.ByMac(mac);
            var seen = last is null ? "never seen in matched traffic" : $"last IP {last.Ip ?? "(none)"} at {last.When.UtcDateTime:O}";
            output.WriteLine(owner is null
                ? $"{mac}  not watched{(last is null ? "" : $" (was {last.EmpName} ({last.EmpId}); {seen})")}"
                : $"{mac}  watched: {owner.EmpName} ({owner.EmpId}), computer {owner.CompId}; {seen}");
            return owner is not null;
        }
        var ip = IPAddress.Parse(query);
        var (ipOwner, sighting) = lookup.ByIp(ip);
        var claimants = lookup.ClaimantsAt(ip, null);
        var bound = claimants.Count switch
        {
            0 => "",
            1 => $"; bound to {Describe(claimants[0])}",
            _ => "; CONTESTED, claimed by " + string.Join(" and ", claimants.Select(Describe)),
        };
        if (sighting is null)
        {
            output.WriteLine($"{ip}  not seen in matched traffic{bound}");
            return false;
        }
        var now = ipOwner is null ? "no longer watched" : $"watched: {ipOwner.EmpName} ({ipOwner.EmpId})";
        output.WriteLine($"{ip}  last seen on {sighting.Mac} at {sighting.When.UtcDateTime:O}, {now}{bound}");
        return true;
    }
}

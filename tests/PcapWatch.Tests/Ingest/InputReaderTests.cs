using System.Text;
using NUnit.Framework;
using PcapWatch.Ingest;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Ingest;

public class InputReaderTests
{
    private static List<InputRecord> Read(string text, InputFormat format = InputFormat.Auto) =>
        InputReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), format).ToList();

    private static List<InputRecord> Read(byte[] bytes) => InputReader.Read(new MemoryStream(bytes), InputFormat.Auto).ToList();

    [Test]
    public void Pretty_printed_tshark_array_gives_each_packet_compacted()
    {
        var packets = TestData.Lines(TestData.Fixture("netns-lan.json.ndjson"));
        // tshark's own -T json layout: an array, elements indented over many lines.
        var pretty = "[\n" + string.Join(",\n", packets.Select(p => Indent(Encoding.UTF8.GetString(p)))) + "\n]\n";
        var records = Read(pretty);
        Assert.That(records.Select(r => r.Value), Is.EqualTo(packets), "whitespace outside strings removed, nothing else");
        Assert.That(records.Select(r => r.Key), Is.All.Null);
    }

    [Test]
    public void Ndjson_lines_are_kept_byte_for_byte()
    {
        var packets = TestData.Lines(TestData.Fixture("tcpdump-dhcp-rfc4388.json.ndjson"));
        var bytes = packets.SelectMany(p => p.Concat(new[] { (byte)'\n' })).ToArray();
        Assert.That(Read(bytes).Select(r => r.Value), Is.EqualTo(packets));
    }

    [Test]
    public void Ek_index_lines_are_skipped()
    {
        var packets = TestData.Lines(TestData.Fixture("netns-lan.ek.ndjson"));
        var text = new StringBuilder();
        foreach (var p in packets)
        {
            text.Append("{\"index\":{\"_index\":\"packets-2026-11-28\",\"_type\":\"doc\"}}\n");
            text.Append(Encoding.UTF8.GetString(p)).Append('\n');
        }
        var records = Read(text.ToString());
        Assert.That(records, Has.Count.EqualTo(packets.Count));
        Assert.That(records.Select(r => r.Value), Is.EqualTo(packets));
    }

    [Test]
    public void Keyed_lines_give_keys_values_and_tombstones()
    {
        var records = Read("100:{\"key\":\"100\"}\n\n101:\r\n{\"key\":\"102\"}\n", InputFormat.Keyed);
        Assert.That(records.Select(r => r.Key is null ? null : Encoding.UTF8.GetString(r.Key)), Is.EqualTo(new[] { "100", "101", null }));
        Assert.That(records[0].Value, Is.EqualTo(Encoding.UTF8.GetBytes("{\"key\":\"100\"}")));
        Assert.That(records[1].Value, Is.Null, "key: alone is a tombstone");
        Assert.That(records.Select(r => r.LineNumber), Is.EqualTo(new long[] { 1, 3, 4 }));
    }

    [Test]
    public void Auto_detects_keyed_table_files()
    {
        var records = Read("100:{\"comp_id\":1, \"empkey\":\"100\"}  \n");
        Assert.That(Encoding.UTF8.GetString(records.Single().Key!), Is.EqualTo("100"));
    }

    [TestCase("100:{\"key\":\"100\"}\n", "100", TestName = "Byte order mark before keyed lines: still keyed")]
    [TestCase(" \r\n[{\"_source\":{}}]\n", null, TestName = "Byte order mark and blank lines before a tshark array: still packets")]
    public void Byte_order_mark_and_whitespace_do_not_change_what_auto_detects(string text, string? key)
    {
        var record = Read([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]).Single();
        Assert.That(record.Key is null ? null : Encoding.UTF8.GetString(record.Key), Is.EqualTo(key));
        Assert.That(record.Value![0], Is.EqualTo((byte)'{'));
    }

    [Test]
    public void Keyed_line_without_a_key_is_an_error_with_its_line_number()
    {
        var ex = Assert.Throws<FormatException>(() => Read("100:{}\nnonsense\n", InputFormat.Keyed));
        Assert.That(ex!.Message, Does.Contain("line 2"));
    }

    /// <summary>Re-indents compact JSON the way tshark prints it (newline and indent after { [ , outside strings).</summary>
    private static string Indent(string json)
    {
        var sb = new StringBuilder();
        bool inString = false, escaped = false;
        int depth = 1;
        foreach (var c in json)
        {
            sb.Append(c);
            if (inString)
            {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '{' or '[': depth++; sb.Append('\n').Append(' ', depth * 2); break;
                case '}' or ']': depth--; break;
                case ',': sb.Append('\n').Append(' ', depth * 2); break;
                case ':': sb.Append(' '); break;
            }
        }
        return "  " + sb;
    }

    // A 100 MB record followed by a normal one, in each layout: the huge one is reported with its size, the next one
    // arrives intact, and reading it all allocates a few times the record limit, not the input.
    [TestCase("packet line", InputFormat.Pcap)]
    [TestCase("array element", InputFormat.Pcap)]
    [TestCase("table line", InputFormat.Keyed)]
    public void A_huge_record_costs_the_record_limit_in_memory_not_its_size(string layout, InputFormat format)
    {
        const long huge = 100L << 20;
        var (head, tail, next) = layout switch
        {
            "packet line" => ("{\"x\":\"", "\"}\n", "{\"layers\":{}}\n"),
            "array element" => ("[{\"x\":\"", "\"},", "{\"layers\":{}}]"),
            _ => ("k1:{\"name\":\"", "\"}\n", "k2:{\"name\":\"ok\"}\n"),
        };
        using var input = new GeneratedStream(Encoding.UTF8.GetBytes(head), huge, Encoding.UTF8.GetBytes(tail + next));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var records = InputReader.Read(input, format).ToList();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(records, Has.Count.EqualTo(2));
        Assert.That(records[0].IsTooLarge, Is.True);
        Assert.That(records[0].OversizedBytes, Is.GreaterThanOrEqualTo(huge));
        Assert.That(records[1].Value, Is.Not.Null.And.Length.GreaterThan(5));
        Assert.That(allocated, Is.LessThan(5L * RecordLimits.MaxRecordBytes), $"{allocated} bytes allocated for {huge} bytes of input");
    }

    /// <summary>head, then <c>count</c> bytes of 'a', then tail, generated as read: nothing of that size is ever stored.</summary>
    private sealed class GeneratedStream(byte[] head, long count, byte[] tail) : Stream
    {
        private long _at;
        private long Total => head.Length + count + tail.Length;

        public override int Read(byte[] buffer, int offset, int length)
        {
            int n = 0;
            while (n < length && _at < Total)
            {
                if (_at < head.Length) buffer[offset + n] = head[_at];
                else if (_at < head.Length + count)
                {
                    int run = (int)Math.Min(length - n, head.Length + count - _at);
                    buffer.AsSpan(offset + n, run).Fill((byte)'a');
                    n += run;
                    _at += run;
                    continue;
                }
                else buffer[offset + n] = tail[_at - head.Length - count];
                n++;
                _at++;
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => Total;
        public override long Position { get => _at; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

namespace PcapWatch.Ingest;

public static class InputReader
{
    /// <summary>Reads records of the given (or detected) format from any stream, a pipe included.</summary>
    public static IEnumerable<InputRecord> Read(Stream input, InputFormat format) => Read(input, format, out _);

    /// <summary>
    /// Reads records of the given (or detected) format; <paramref name="resolved"/> says which it is.
    /// </summary>
    public static IEnumerable<InputRecord> Read(Stream input, InputFormat format, out InputFormat resolved)
    {
        if (format == InputFormat.Auto)
        {
            var head = new byte[4096];
            int length = 0, n;
            while (length < head.Length && (n = input.Read(head, length, head.Length - length)) > 0)
            {
                length += n;
                if (LeadingBytes.FirstSignificant(head.AsSpan(0, length)) >= 0) break;
            }
            int first = LeadingBytes.FirstSignificant(head.AsSpan(0, length));
            format = first is '[' or '{' or -1 ? InputFormat.Pcap : InputFormat.Keyed;
            input = new ReplayStream(head, length, input);
        }
        resolved = format;
        return format == InputFormat.Keyed ? KeyedLineReader.Read(input) : PcapRecordReader.Read(input);
    }

    /// <summary>Gives back the bytes read for detection, then the rest of the stream.</summary>
    private sealed class ReplayStream(byte[] head, int headLength, Stream rest) : Stream
    {
        private int _at;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at < headLength)
            {
                int n = Math.Min(count, headLength - _at);
                Array.Copy(head, _at, buffer, offset, n);
                _at += n;
                return n;
            }
            return rest.Read(buffer, offset, count);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

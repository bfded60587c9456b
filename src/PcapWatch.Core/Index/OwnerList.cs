namespace PcapWatch.Index;

/// <summary>The owners of one MAC, read in place from the index's arena; valid until the index next changes.</summary>
public readonly ref struct OwnerList
{
    private readonly ReadOnlySpan<byte> _record;

    internal OwnerList(ReadOnlySpan<byte> record)
    {
        _record = record;
        Count = record.IsEmpty ? 0 : VarInt.Read(record, out _);
    }

    public int Count { get; }

    public Enumerator GetEnumerator() => new(_record);

    public ref struct Enumerator
    {
        private ReadOnlySpan<byte> _rest;
        private int _left;

        internal Enumerator(ReadOnlySpan<byte> record)
        {
            if (record.IsEmpty) return;
            _left = VarInt.Read(record, out int size);
            _rest = record[size..];
        }

        public OwnerView Current { get; private set; }

        public bool MoveNext()
        {
            if (_left == 0) return false;
            _left--;
            Current = OwnerView.Read(_rest, out int used);
            _rest = _rest[used..];
            return true;
        }
    }
}

namespace PcapWatch.Packets;

/// <summary>
/// A 48-bit MAC address packed into a <see cref="long"/> (first octet in bits 47..40). Packing makes the index key a
/// plain integer: one comparison, no string, no allocation on the packet path.
/// </summary>
public readonly record struct MacAddress(long Value)
{
    /// <summary>The I/G bit of the first octet: set for broadcast and multicast destinations.</summary>
    public bool IsGroup => (Value & (1L << 40)) != 0;

    /// <summary>
    /// Parses the spellings found in tables and captures: <c>aa:bb:cc:dd:ee:ff</c>, <c>AA-BB-CC-DD-EE-FF</c>, Cisco
    /// <c>aabb.ccdd.eeff</c> and bare <c>aabbccddeeff</c>, in either case. Surrounding whitespace is ignored.
    /// Works on UTF-8 bytes so the packet path never builds a string.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out MacAddress mac)
    {
        mac = default;
        text = text.Trim(" \t"u8);
        long value = 0;
        int digits = 0;
        switch (text.Length)
        {
            case 17: // aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff (one separator kind throughout)
                return TryParseSeparated(text, out mac);
            case 14: // aabb.ccdd.eeff
                for (int i = 0; i < 14; i++)
                {
                    if (i == 4 || i == 9) { if (text[i] != (byte)'.') return false; continue; }
                    if (!AddHex(text[i], ref value)) return false;
                    digits++;
                }
                break;
            case 12: // aabbccddeeff
                for (int i = 0; i < 12; i++)
                {
                    if (!AddHex(text[i], ref value)) return false;
                    digits++;
                }
                break;
            default:
                return false;
        }
        if (digits != 12) return false;
        mac = new MacAddress(value);
        return true;
    }

    public static bool TryParse(string? text, out MacAddress mac)
    {
        mac = default;
        if (text is null) return false;
        // Trimmed as the bytes are; longer text is no MAC whatever it holds (no exception, just false). Non-ASCII
        // text takes more bytes than chars and fails the byte parser's length check, as it would from bytes.
        var trimmed = text.AsSpan().Trim(" \t");
        Span<byte> utf8 = stackalloc byte[64];
        return trimmed.Length <= 17 && System.Text.Encoding.UTF8.TryGetBytes(trimmed, utf8, out int n) && TryParse(utf8[..n], out mac);
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address");

    /// <summary>
    /// The spelling every capture uses, on the packet path for every candidate the prefilter reads: six octets by table
    /// look-up, the separators checked at once, no branch per character.
    /// </summary>
    private static bool TryParseSeparated(ReadOnlySpan<byte> text, out MacAddress mac)
    {
        mac = default;
        byte sep = text[2];
        if ((sep != (byte)':' && sep != (byte)'-') || text[5] != sep || text[8] != sep || text[11] != sep || text[14] != sep) return false;
        var hex = HexValues;
        long value = 0;
        int bad = 0;
        for (int i = 0; i < 17; i += 3)
        {
            int high = hex[text[i]], low = hex[text[i + 1]];
            bad |= high | low;
            value = (value << 8) | (uint)((high << 4) | low);
        }
        if (bad < 0) return false;
        mac = new MacAddress(value);
        return true;
    }

    // Each byte's value as a hexadecimal digit, or -1.
    private static ReadOnlySpan<sbyte> HexValues =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    private static bool AddHex(byte c, ref long value)
    {
        int nibble = c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            _ => -1,
        };
        if (nibble < 0) return false;
        value = (value << 4) | (uint)nibble;
        return true;
    }

    /// <summary>Length of the canonical spelling, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public const int TextLength = 17;

    /// <summary>Writes the canonical spelling (lower case, ':' separators) as UTF-8 into the first 17 bytes.</summary>
    public void Format(Span<byte> utf8)
    {
        ReadOnlySpan<byte> hex = "0123456789abcdef"u8;
        for (int octet = 0; octet < 6; octet++)
        {
            int b = (int)(Value >> (8 * (5 - octet))) & 0xff;
            utf8[octet * 3] = hex[b >> 4];
            utf8[octet * 3 + 1] = hex[b & 0xf];
            if (octet < 5) utf8[octet * 3 + 2] = (byte)':';
        }
    }

    /// <summary>The canonical spelling, as tshark writes it: lower case with ':' separators.</summary>
    public override string ToString()
    {
        Span<byte> utf8 = stackalloc byte[TextLength];
        Format(utf8);
        return System.Text.Encoding.ASCII.GetString(utf8);
    }
}

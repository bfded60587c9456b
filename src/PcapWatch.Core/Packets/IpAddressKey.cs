using System.Net;

namespace PcapWatch.Packets;

/// <summary>
/// An IPv4 or IPv6 address as one 128-bit integer (IPv4 as its IPv4-mapped IPv6 form, <c>::ffff:a.b.c.d</c>), parsed
/// from the UTF-8 text tshark writes without making a string or an <see cref="IPAddress"/>: the binding lookups run on
/// the packet path.
/// </summary>
public readonly record struct IpAddressKey(UInt128 Value)
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;

    /// <summary>0.0.0.0 or :: — what a host says before it has an address; never a binding.</summary>
    public bool IsUnspecified => Value == 0 || Value == MappedPrefix;

    public bool IsIPv4 => Value >> 32 == 0xFFFF;

    public static IpAddressKey FromIPv4(uint address) => new(MappedPrefix | address);

    public static IpAddressKey From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) address = address.MapToIPv6();
        address.TryWriteBytes(bytes, out _);
        return new IpAddressKey(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    public IPAddress ToIPAddress()
    {
        if (IsIPv4) return new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)Value));
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return new IPAddress(bytes);
    }

    /// <summary>The usual spelling (dotted IPv4, compressed IPv6).</summary>
    public override string ToString() => ToIPAddress().ToString();

    /// <summary>
    /// Parses dotted IPv4 or IPv6 text (with <c>::</c> and an IPv4 tail); no zone, no brackets, no spaces.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out IpAddressKey address)
    {
        address = default;
        if (text.IndexOf((byte)':') < 0)
        {
            if (!TryParseIPv4(text, out uint v4)) return false;
            address = FromIPv4(v4);
            return true;
        }
        if (!TryParseIPv6(text, out var v6)) return false;
        address = new IpAddressKey(v6);
        return true;
    }

    public static bool TryParse(string? text, out IpAddressKey address)
    {
        address = default;
        return text is not null && text.Length <= 64 && TryParse(System.Text.Encoding.ASCII.GetBytes(text), out address);
    }

    private static bool TryParseIPv4(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        int parts = 0, at = 0;
        while (parts < 4)
        {
            int digits = 0, part = 0;
            while (at < text.Length && text[at] is >= (byte)'0' and <= (byte)'9' && digits < 3)
            {
                part = part * 10 + (text[at++] - '0');
                digits++;
            }
            // Leading zeros are refused: some parsers read them as octal, and tshark never writes them.
            if (digits == 0 || part > 255 || (digits > 1 && text[at - digits] == (byte)'0')) return false;
            value = (value << 8) | (uint)part;
            parts++;
            if (parts < 4)
            {
                if (at >= text.Length || text[at] != (byte)'.') return false;
                at++;
            }
        }
        return at == text.Length;
    }

    private static bool TryParseIPv6(ReadOnlySpan<byte> text, out UInt128 value)
    {
        value = 0;
        Span<ushort> groups = stackalloc ushort[8];
        int count = 0, gap = -1, at = 0;
        if (text.StartsWith("::"u8))
        {
            gap = 0;
            at = 2;
        }
        while (at < text.Length)
        {
            // A dotted IPv4 tail fills the last two groups.
            int nextColon = text[at..].IndexOf((byte)':');
            var token = nextColon < 0 ? text[at..] : text.Slice(at, nextColon);
            if (nextColon < 0 && token.IndexOf((byte)'.') >= 0)
            {
                if (count > 6 || !TryParseIPv4(token, out uint v4)) return false;
                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                at = text.Length;
                break;
            }
            if (token.Length is 0 or > 4 || count == 8) return false;
            ushort group = 0;
            foreach (byte b in token)
            {
                int digit = HexValue(b);
                if (digit < 0) return false;
                group = (ushort)((group << 4) | digit);
            }
            groups[count++] = group;
            at += token.Length;
            if (at == text.Length) break;
            at++; // the colon
            if (at < text.Length && text[at] == (byte)':')
            {
                if (gap >= 0) return false; // a second "::"
                gap = count;
                at++;
            }
            else if (at == text.Length)
            {
                return false; // a trailing single colon
            }
        }
        if (gap < 0 ? count != 8 : count > 7) return false;
        int zeros = 8 - count;
        for (int i = 0, g = 0; i < 8; i++)
        {
            ushort part = gap >= 0 && i >= gap && i < gap + zeros ? (ushort)0 : groups[g++];
            value = (value << 16) | part;
        }
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}

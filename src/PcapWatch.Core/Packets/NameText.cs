using System.Text;
using System.Text.Unicode;

namespace PcapWatch.Packets;

/// <summary>
/// A name as people write it: lower case (ASCII; IDNs stay as on the wire, A-labels), without the root's trailing
/// dot and, for an HTTP Host, without its port. Attacker-written: anything that cannot be a name — empty, over 253
/// characters, control characters or spaces, bytes that are not UTF-8 — is no name.
/// </summary>
public static class NameText
{
    public static string? Normalize(ReadOnlySpan<byte> text, bool isHost)
    {
        if (isHost) text = WithoutPort(text);
        if (text.Length > 0 && text[^1] == (byte)'.') text = text[..^1];
        if (text.IsEmpty || text.Length > PacketNameReader.MaxNameLength || !Utf8.IsValid(text)) return null;
        Span<byte> lower = stackalloc byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (b <= 0x20 || b == 0x7F) return null;
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }
        return Encoding.UTF8.GetString(lower);
    }

    /// <summary><c>example.com:8080</c> → <c>example.com</c>; <c>[2001:db8::1]:443</c> → <c>2001:db8::1</c>.</summary>
    private static ReadOnlySpan<byte> WithoutPort(ReadOnlySpan<byte> host)
    {
        if (host.Length > 0 && host[0] == (byte)'[')
        {
            int close = host.IndexOf((byte)']');
            return close > 0 ? host[1..close] : host;
        }
        int colon = host.IndexOf((byte)':');
        return colon >= 0 && host.LastIndexOf((byte)':') == colon ? host[..colon] : host;
    }
}

using System.Buffers.Binary;
using System.Text;
using PcapWatch.Packets;

namespace PcapWatch.Tables;

/// <summary>
/// The stored form of a row: each field as a 32-bit length (-1 for null) followed by its UTF-8 bytes. Compact and
/// independent of the JSON the row arrived in, so a store never has to re-parse user input.
/// </summary>
internal static class RowCodec
{
    public static byte[] Encode(params string?[] fields)
    {
        int size = 0;
        foreach (var f in fields) size += 4 + (f is null ? 0 : Encoding.UTF8.GetByteCount(f));
        var buffer = new byte[size];
        int at = 0;
        foreach (var f in fields)
        {
            if (f is null)
            {
                BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(at), -1);
                at += 4;
                continue;
            }
            int n = Encoding.UTF8.GetBytes(f, buffer.AsSpan(at + 4));
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(at), n);
            at += 4 + n;
        }
        return buffer;
    }

    /// <summary>The bytes one column takes in an encoded row.</summary>
    public static int SizeOf(Utf8Column column) => 4 + (column.IsNull ? 0 : column.Bytes.Length);

    /// <summary>
    /// Writes one column as <see cref="Encode"/> does (a string's UTF-8 is its bytes); returns the bytes written.
    /// </summary>
    public static int Write(Span<byte> target, Utf8Column column)
    {
        if (column.IsNull)
        {
            BinaryPrimitives.WriteInt32LittleEndian(target, -1);
            return 4;
        }
        BinaryPrimitives.WriteInt32LittleEndian(target, column.Bytes.Length);
        column.Bytes.CopyTo(target[4..]);
        return 4 + column.Bytes.Length;
    }

    /// <summary>
    /// Field <paramref name="index"/> of an encoded row, in place: false when it is null. Lets a reader look at the
    /// one field it needs (a watch flag, a MAC) without building every string of the row.
    /// </summary>
    public static bool TryGetField(ReadOnlySpan<byte> data, int index, out ReadOnlySpan<byte> field)
    {
        int at = 0;
        for (int i = 0; ; i++)
        {
            int n = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
            at += 4;
            if (i == index)
            {
                field = n < 0 ? default : data.Slice(at, n);
                return n >= 0;
            }
            if (n > 0) at += n;
        }
    }

    /// <summary>Field <paramref name="index"/> as a string (null when the field is null).</summary>
    public static string? Field(ReadOnlySpan<byte> data, int index) =>
        TryGetField(data, index, out var field) ? Encoding.UTF8.GetString(field) : null;

    /// <summary>A stored computer row's MAC, parsed from its bytes (false when null or not a MAC).</summary>
    public static bool TryGetComputerMac(ReadOnlySpan<byte> computer, out MacAddress mac)
    {
        mac = default;
        return TryGetField(computer, ComputerMacAddr, out var text) && MacAddress.TryParse(text, out mac);
    }

    // Field positions of the stored rows (the order the Encode methods below write them in).
    public const int EmployeeKey = 0, EmployeeName = 1, EmployeeWatchFlag = 2;
    public const int ComputerRowKey = 0, ComputerCompId = 1, ComputerEmpKey = 2, ComputerMacAddr = 3;

    public static byte[] EncodeEmployee(EmployeeRow row) => Encode(row.Key, row.Name, row.WatchFlag);

    public static byte[] EncodeComputer(ComputerRow row) => Encode(row.RowKey, row.CompId, row.EmpKey, row.MacAddr);
}

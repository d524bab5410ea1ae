namespace Tandem.Kernel;

/// <summary>
/// Time-ordered UUIDv7 ids, so new rows append to indexes instead of scattering, and "oldest first" is "by id".
/// Within one process they strictly increase (RFC 9562, section 6.2): ids drawn in the same millisecond, or after the
/// clock stepped back by less than a second, continue from the last one instead of taking a random place among
/// that millisecond's ids. Two products created a millisecond apart used to list in either order.
/// </summary>
public static class NewId
{
    private static readonly Lock Gate = new();
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);
    private static UInt128 _last;

    // The fields of a UUIDv7 read as a big-endian 128-bit number: 48-bit ms timestamp, version 7, 12 bits of rand_a,
    // variant 0b10, 62 bits of rand_b. Incrementing the 74 random bits keeps the version and the variant.
    private static readonly UInt128 RandBMask = (UInt128.One << 62) - 1;
    private static readonly UInt128 RandAUnit = UInt128.One << 64;
    private static readonly UInt128 RandAMask = ((UInt128.One << 12) - 1) << 64;

    public static Guid Next(TimeProvider clock)
    {
        var drawn = ToNumber(Guid.CreateVersion7(clock.GetUtcNow()));
        lock (Gate)
        {
            if (drawn <= _last && Millis(_last) - Millis(drawn) < (ulong)Tolerance.TotalMilliseconds)
            {
                drawn = Increment(_last);
            }

            _last = drawn;
        }

        return ToGuid(drawn);
    }

    /// <summary>Parses an id from a route; malformed ids are simply not found.</summary>
    public static bool TryParse(string? value, out Guid id) => Guid.TryParse(value, out id) && id != Guid.Empty;

    private static UInt128 Increment(UInt128 id)
    {
        if ((id & RandBMask) != RandBMask)
        {
            return id + 1;
        }

        // rand_b is spent: carry into rand_a, and from there into the timestamp (a millisecond ahead of the clock).
        var cleared = id & ~RandBMask;
        return (cleared & RandAMask) != RandAMask ? cleared + RandAUnit : (cleared & ~RandAMask) + (UInt128.One << 80);
    }

    private static ulong Millis(UInt128 id) => (ulong)(id >> 80);

    private static UInt128 ToNumber(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static Guid ToGuid(UInt128 number)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, number);
        return new Guid(bytes, bigEndian: true);
    }
}

using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Torsion.Web.WebSocket;

/// <summary>
/// The masking transform (RFC 6455 §5.3): byte i of the payload is XORed with byte (i mod 4) of the
/// key. It runs a vector at a time, then a ulong at a time, then bytewise for the tail, because every
/// byte a server receives passes through it.
/// </summary>
public static class WebSocketMasking
{
    /// <summary>
    /// Writes <paramref name="source"/> XOR the key into <paramref name="destination"/> (which may be the
    /// same memory, for masking in place). <paramref name="key"/> holds the four key bytes as they appear
    /// on the wire, read little-endian (<c>BinaryPrimitives.ReadUInt32LittleEndian</c>);
    /// <paramref name="offset"/> is the position of <paramref name="source"/>[0] in the frame's payload,
    /// so a payload can be (un)masked in pieces.
    /// </summary>
    /// <param name="source">The input bytes.</param>
    /// <param name="destination">Where to write; at least as long as <paramref name="source"/>.</param>
    /// <param name="key">The masking key.</param>
    /// <param name="offset">The payload offset of the first byte.</param>
    public static void Apply(ReadOnlySpan<byte> source, Span<byte> destination, uint key, long offset)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }
        // Rotate so that the key's byte 0 lines up with source[0].
        var k = BitOperations.RotateRight(key, (int)(offset & 3) * 8);
        var i = 0;
        var n = source.Length;
        if (BitConverter.IsLittleEndian)
        {
            if (Vector.IsHardwareAccelerated && n >= Vector<byte>.Count)
            {
                var mask = Vector.AsVectorByte(new Vector<uint>(k));
                var last = n - Vector<byte>.Count;
                for (; i <= last; i += Vector<byte>.Count)
                {
                    (new Vector<byte>(source[i..]) ^ mask).CopyTo(destination[i..]);
                }
            }
            var wide = k | ((ulong)k << 32);
            for (; i + 8 <= n; i += 8)
            {
                var v = MemoryMarshal.Read<ulong>(source[i..]) ^ wide;
                MemoryMarshal.Write(destination[i..], in v);
            }
        }
        Span<byte> keyBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(keyBytes, k);
        for (; i < n; i++)
        {
            destination[i] = (byte)(source[i] ^ keyBytes[i & 3]);
        }
    }

    /// <summary>Masks or unmasks <paramref name="data"/> in place; see <see cref="Apply"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="key">The masking key (wire bytes read little-endian).</param>
    /// <param name="offset">The payload offset of the first byte.</param>
    public static void ApplyInPlace(Span<byte> data, uint key, long offset) => Apply(data, data, key, offset);
}

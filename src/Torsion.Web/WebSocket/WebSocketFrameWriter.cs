using System.Buffers.Binary;

namespace Torsion.Web.WebSocket;

/// <summary>Writes RFC 6455 frame headers, with the minimal length encoding the parser requires of peers.</summary>
public static class WebSocketFrameWriter
{
    /// <summary>The longest header: 2 bytes, a 64-bit length and a masking key.</summary>
    public const int MaxHeaderSize = 14;

    /// <summary>The size of the header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    /// <param name="payloadLength">The payload length.</param>
    /// <param name="masked">Whether a masking key follows (frames a client sends).</param>
    public static int GetHeaderSize(long payloadLength, bool masked) =>
        (payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + (masked ? 4 : 0);

    /// <summary>
    /// Writes a frame header into <paramref name="destination"/> and returns its length. With
    /// <paramref name="maskKey"/> set, the key (wire bytes read little-endian, as
    /// <see cref="WebSocketMasking"/> takes it) is written and the mask bit set; the caller masks the payload.
    /// </summary>
    /// <param name="destination">At least <see cref="GetHeaderSize"/> bytes.</param>
    /// <param name="opcode">The opcode.</param>
    /// <param name="fin">Whether this is a message's final frame (always true for control frames).</param>
    /// <param name="payloadLength">The payload length.</param>
    /// <param name="maskKey">The masking key, or null for an unmasked frame.</param>
    /// <param name="compressed">Sets RSV1: the first frame of a permessage-deflate compressed message.</param>
    /// <exception cref="ArgumentException">A control frame that is fragmented or longer than 125 bytes, or an undefined opcode.</exception>
    public static int WriteHeader(Span<byte> destination, WebSocketOpcode opcode, bool fin, long payloadLength, uint? maskKey, bool compressed = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        if (opcode is not (WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary
            or WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong))
        {
            throw new ArgumentException($"Opcode {(int)opcode} is not defined.", nameof(opcode));
        }
        if (opcode >= WebSocketOpcode.Close && (!fin || payloadLength > 125))
        {
            throw new ArgumentException("A control frame must be final and at most 125 bytes long.", nameof(payloadLength));
        }
        var maskBit = maskKey.HasValue ? 0x80 : 0;
        destination[0] = (byte)((fin ? 0x80 : 0) | (compressed ? 0x40 : 0) | (int)opcode);
        int at;
        if (payloadLength < 126)
        {
            destination[1] = (byte)(maskBit | (int)payloadLength);
            at = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            at = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            at = 10;
        }
        if (maskKey is { } key)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], key);
            at += 4;
        }
        return at;
    }
}

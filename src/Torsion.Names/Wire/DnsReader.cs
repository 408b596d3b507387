using System.Buffers.Binary;

namespace Torsion.Names.Wire;

/// <summary>
/// Reads a message front to back: every read is bounds-checked against the current limit (the
/// message, or the RDATA being read) and fails with <see cref="DnsFormatException"/>.
/// </summary>
internal ref struct DnsReader
{
    /// <summary>The most pointers one name may follow; only a crafted packet chains more.</summary>
    internal const int MaxPointers = 127;

    /// <summary>A header is 12 bytes; a pointer into it cannot point at a name.</summary>
    internal const int HeaderLength = 12;

    private readonly ReadOnlySpan<byte> _message;

    public DnsReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        Limit = message.Length;
    }

    public int Position { get; private set; }

    /// <summary>The end of what sequential reads may consume: the message, or the current RDATA's end.</summary>
    public int Limit { get; private set; }

    // Whether Limit is an RDLENGTH's end, to say which of the two a read ran past.
    private bool _inRecordData;

    /// <summary>Confines reads to the next <paramref name="length"/> bytes, a record's RDATA.</summary>
    public void EnterRecordData(int length)
    {
        Limit = Position + length;
        _inRecordData = true;
    }

    /// <summary>Back to reading the message, once the RDATA is read exactly.</summary>
    public void ExitRecordData()
    {
        Limit = _message.Length;
        _inRecordData = false;
    }

    public readonly int Remaining => Limit - Position;

    public byte ReadByte()
    {
        Need(1);
        return _message[Position++];
    }

    public ushort ReadUInt16()
    {
        Need(2);
        var value = BinaryPrimitives.ReadUInt16BigEndian(_message[Position..]);
        Position += 2;
        return value;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_message[Position..]);
        Position += 4;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Need(count);
        var bytes = _message.Slice(Position, count);
        Position += count;
        return bytes;
    }

    /// <summary>A character-string: a length byte and that many bytes.</summary>
    public byte[] ReadCharacterString() => ReadBytes(ReadByte()).ToArray();

    /// <summary>
    /// A possibly compressed name. Each pointer must point strictly before the start of the label
    /// sequence it ends (so targets strictly decrease: no loop, no forward pointer) and not into the
    /// header; at most <see cref="MaxPointers"/> pointers; labels 63 bytes at most (the length byte's
    /// top bits 01 and 10 are the obsolete extended label types, rejected); 255 bytes in all.
    /// </summary>
    public DnsName ReadName()
    {
        Span<byte> wire = stackalloc byte[DnsName.MaxWireLength];
        int length = 0, labels = 0, pointers = 0;
        var position = Position;
        var segmentStart = position;
        var bound = Limit;
        var jumped = false;
        while (true)
        {
            if (position >= bound) throw PastEnd(jumped, "a name");
            var b = _message[position];
            if (b == 0)
            {
                wire[length++] = 0;
                position++;
                break;
            }
            switch (b & 0xC0)
            {
                case 0x00:
                    if (position + 1 + b > bound) throw PastEnd(jumped, "a label");
                    if (length + 1 + b + 1 > DnsName.MaxWireLength) throw new DnsFormatException($"A name is longer than {DnsName.MaxWireLength} bytes.");
                    _message.Slice(position, 1 + b).CopyTo(wire[length..]);
                    length += 1 + b;
                    labels++;
                    position += 1 + b;
                    break;
                case 0xC0:
                    if (position + 1 >= bound) throw PastEnd(jumped, "a compression pointer");
                    var target = ((b & 0x3F) << 8) | _message[position + 1];
                    if (target >= segmentStart) throw new DnsFormatException($"A compression pointer at {position} to {target} does not point before its name ({segmentStart}): a loop or a forward pointer.");
                    if (target < HeaderLength) throw new DnsFormatException($"A compression pointer at {position} points into the header ({target}).");
                    if (++pointers > MaxPointers) throw new DnsFormatException($"A name follows more than {MaxPointers} compression pointers.");
                    if (!jumped)
                    {
                        Position = position + 2;
                        jumped = true;
                    }
                    // Names that pointers reach are earlier in the message, outside any RDATA limit.
                    bound = _message.Length;
                    position = segmentStart = target;
                    break;
                default:
                    throw new DnsFormatException($"A label at {position} has length byte 0x{b:x2}: labels are at most 63 bytes (extended label types are not supported).");
            }
        }
        if (!jumped) Position = position;
        return DnsName.FromWire(wire[..length], labels);
    }

    private readonly void Need(int count)
    {
        if (count > Limit - Position) throw PastEnd(jumped: false, $"{count} bytes");
    }

    private readonly DnsFormatException PastEnd(bool jumped, string what) =>
        _inRecordData && !jumped
            ? new($"A record's data is longer than its RDLENGTH: {what} at {Position} runs past {Limit}.")
            : Truncated(what);

    private readonly DnsFormatException Truncated(string what) =>
        new($"The message is truncated: {what} at {Position} runs past the end ({Limit}).");
}

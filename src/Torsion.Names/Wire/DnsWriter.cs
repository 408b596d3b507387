using System.Buffers.Binary;

namespace Torsion.Names.Wire;

/// <summary>
/// Writes a message into a caller's span with name compression, allocating nothing. A write past
/// the end is not an exception: it sets <see cref="Overflowed"/> and is dropped, so the message
/// writer can <see cref="Mark"/> before a record and <see cref="Reset"/> to it when the record did
/// not fit (truncation, TC).
/// </summary>
internal ref struct DnsWriter
{
    private readonly Span<byte> _buffer;
    // Offsets of names (and of each of their suffixes) already written, for compression.
    private readonly Span<ushort> _names;
    private int _nameCount;

    public DnsWriter(Span<byte> buffer, Span<ushort> nameTable)
    {
        _buffer = buffer;
        _names = nameTable;
    }

    public int Position { get; private set; }

    public bool Overflowed { get; private set; }

    /// <summary>Bytes at the end kept free (for the OPT record while the sections are written).</summary>
    public int Reserved { get; set; }

    public readonly (int Position, int Names) Mark() => (Position, _nameCount);

    public void Reset((int Position, int Names) mark)
    {
        (Position, _nameCount) = mark;
        Overflowed = false;
    }

    public void WriteByte(byte value)
    {
        if (Reserve(1)) _buffer[Position - 1] = value;
    }

    public void WriteUInt16(ushort value)
    {
        if (Reserve(2)) BinaryPrimitives.WriteUInt16BigEndian(_buffer[(Position - 2)..], value);
    }

    public void WriteUInt32(uint value)
    {
        if (Reserve(4)) BinaryPrimitives.WriteUInt32BigEndian(_buffer[(Position - 4)..], value);
    }

    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        if (Reserve(bytes.Length)) bytes.CopyTo(_buffer[(Position - bytes.Length)..]);
    }

    public void WriteCharacterString(scoped ReadOnlySpan<byte> bytes)
    {
        WriteByte((byte)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Overwrites two bytes written earlier (a count, an RDLENGTH).</summary>
    public readonly void PatchUInt16(int position, ushort value)
    {
        if (position + 2 <= _buffer.Length && position + 2 <= Position) BinaryPrimitives.WriteUInt16BigEndian(_buffer[position..], value);
    }

    /// <summary>
    /// Writes a name, ending it with a pointer to an earlier copy of its longest suffix already in
    /// the message when <paramref name="compress"/>; either way its suffixes become targets for later names.
    /// </summary>
    public void WriteName(DnsName name, bool compress)
    {
        var wire = name.Wire;
        var offset = 0;
        while (wire[offset] != 0)
        {
            var suffix = wire[offset..];
            if (compress && FindSuffix(suffix) is var target and >= 0)
            {
                WriteUInt16((ushort)(0xC000 | target));
                return;
            }
            if (!Overflowed && Position < 0x4000 && _nameCount < _names.Length) _names[_nameCount++] = (ushort)Position;
            var labelLength = wire[offset] + 1;
            WriteBytes(wire.Slice(offset, labelLength));
            offset += labelLength;
        }
        WriteByte(0);
    }

    private readonly int FindSuffix(ReadOnlySpan<byte> suffix)
    {
        for (var i = 0; i < _nameCount; i++)
        {
            if (NameAtEquals(_names[i], suffix)) return _names[i];
        }
        return -1;
    }

    // Compares the name written at `position` (following this writer's own pointers, which all point
    // backwards) with an uncompressed wire form. Case counts: a name only points at the same spelling,
    // so every name reads back exactly as it was written (the case of a question is echoed, 0x20).
    private readonly bool NameAtEquals(int position, ReadOnlySpan<byte> wire)
    {
        var offset = 0;
        while (true)
        {
            var b = _buffer[position];
            if ((b & 0xC0) == 0xC0)
            {
                position = ((b & 0x3F) << 8) | _buffer[position + 1];
                continue;
            }
            if (b != wire[offset]) return false;
            if (b == 0) return true;
            if (!_buffer.Slice(position + 1, b).SequenceEqual(wire.Slice(offset + 1, b))) return false;
            position += b + 1;
            offset += b + 1;
        }
    }

    private bool Reserve(int count)
    {
        if (Overflowed || count > _buffer.Length - Reserved - Position)
        {
            Overflowed = true;
            return false;
        }
        Position += count;
        return true;
    }
}

using System.Buffers.Binary;

namespace Torsion.Names.Server;

/// <summary>
/// The server's hot path: zone answers kept in wire form, keyed by what decides their bytes (the
/// question lowercased, EDNS and DO, the size limit). Zones do not change, so a cached answer stays
/// right; only the ID, RD, CD and the question's spelling differ between queries, and those are
/// patched into a copy. Anything unusual (compression, several questions, records, an EDNS version,
/// zone transfers) takes the full path.
/// </summary>
internal sealed class AnswerCache
{
    /// <summary>Past this many answers the cache starts again, so random names cannot grow it without bound.</summary>
    public const int MaxEntries = 50_000;

    /// <summary>The longest key: a 255-byte name, type, class, EDNS flags and the size limit.</summary>
    public const int MaxKeyLength = 255 + 7;

    private readonly Dictionary<byte[], byte[]> _answers = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public AnswerCache() => _lookup = _answers.GetAlternateLookup<ReadOnlySpan<byte>>();

    public int Count => _answers.Count;

    /// <summary>
    /// The key of a plain query (QR clear, QUERY, one uncompressed question, no records but an
    /// optional EDNS version 0 OPT), or false for anything else; <paramref name="nameEnd"/> is where
    /// the question's name ends.
    /// </summary>
    public static bool TryKey(ReadOnlySpan<byte> packet, bool stream, ushort udpCap, Span<byte> key, out int keyLength, out int nameEnd)
    {
        keyLength = 0;
        nameEnd = 0;
        if (packet.Length < 17 || (packet[2] & 0xF8) != 0) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) != 1 || BinaryPrimitives.ReadUInt32BigEndian(packet[6..]) != 0) return false;
        var additional = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
        if (additional > 1) return false;
        var i = 12;
        while (true)
        {
            if (i >= packet.Length) return false;
            int length = packet[i];
            if (length == 0) break;
            if (length > 63 || i + 1 + length > packet.Length || keyLength + 1 + length > 254) return false;
            key[keyLength++] = (byte)length;
            foreach (var b in packet.Slice(i + 1, length)) key[keyLength++] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
            i += 1 + length;
        }
        key[keyLength++] = 0;
        nameEnd = i + 1;
        if (nameEnd + 4 > packet.Length) return false;
        var type = BinaryPrimitives.ReadUInt16BigEndian(packet[nameEnd..]);
        // Zone transfers and OPT as a question take the full path.
        if (type is 252 or 251 or 41) return false;
        packet.Slice(nameEnd, 4).CopyTo(key[keyLength..]);
        keyLength += 4;
        var end = nameEnd + 4;
        int limit = stream ? ushort.MaxValue : 512;
        byte edns = 0;
        if (additional == 1)
        {
            // The OPT record: root owner, type 41, CLASS = UDP size, TTL = ext-rcode, version, flags; RDATA.
            if (end + 11 > packet.Length || packet[end] != 0 || BinaryPrimitives.ReadUInt16BigEndian(packet[(end + 1)..]) != 41) return false;
            if (packet[end + 6] != 0) return false;
            var rdLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(end + 9)..]);
            if (end + 11 + rdLength != packet.Length) return false;
            edns = (byte)((packet[end + 7] & 0x80) != 0 ? 3 : 1);
            if (!stream) limit = Math.Clamp(BinaryPrimitives.ReadUInt16BigEndian(packet[(end + 3)..]), 512, Math.Max((int)udpCap, 512));
        }
        else if (end != packet.Length)
        {
            return false;
        }
        key[keyLength++] = edns;
        BinaryPrimitives.WriteUInt16BigEndian(key[keyLength..], (ushort)limit);
        keyLength += 2;
        return true;
    }

    /// <summary>Copies the answer for <paramref name="key"/> into <paramref name="destination"/>, patched for <paramref name="query"/>; its length, or 0 on a miss.</summary>
    public int TryAnswer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> query, int nameEnd, Span<byte> destination)
    {
        if (!_lookup.TryGetValue(key, out var answer)) return 0;
        answer.CopyTo(destination);
        // The query's ID, RD and CD, and its spelling of the name (same length: only case differs).
        destination[0] = query[0];
        destination[1] = query[1];
        destination[2] = (byte)((answer[2] & ~0x01) | (query[2] & 0x01));
        destination[3] = (byte)((answer[3] & ~0x10) | (query[3] & 0x10));
        query[12..nameEnd].CopyTo(destination[12..]);
        return answer.Length;
    }

    public void Clear() => _answers.Clear();

    public void Store(ReadOnlySpan<byte> key, ReadOnlySpan<byte> answer)
    {
        if (_answers.Count >= MaxEntries) _answers.Clear();
        _answers[key.ToArray()] = answer.ToArray();
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static ByteArrayComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}

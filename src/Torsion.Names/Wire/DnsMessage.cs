using System.Buffers;
using System.Text;

namespace Torsion.Names.Wire;

/// <summary>
/// A DNS message (twisted.names.dns's <c>Message</c>, with the EDNS fields of its <c>_EDNSMessage</c>):
/// the header's fields, the four sections, and the OPT record as <see cref="Edns"/>. Immutable and
/// compared by value; build one with an object initializer and change it with <c>with</c>.
/// </summary>
public sealed record DnsMessage
{
    /// <summary>The largest message: TCP's two-byte length prefix.</summary>
    public const int MaxLength = ushort.MaxValue;

    // Compression targets kept per message; a message with more names than this still compresses
    // against the first ones.
    private const int NameTableSize = 256;

    /// <summary>The ID that matches a response to its query.</summary>
    public ushort Id { get; init; }

    /// <summary>QR: a response, not a query (Twisted's <c>answer</c>).</summary>
    public bool IsResponse { get; init; }

    /// <summary>The OPCODE (Twisted's <c>opCode</c>); four bits.</summary>
    public OpCode OpCode { get; init; }

    /// <summary>AA: an authoritative answer (Twisted's <c>auth</c>).</summary>
    public bool IsAuthoritative { get; init; }

    /// <summary>TC: the message was truncated (Twisted's <c>trunc</c>).</summary>
    public bool IsTruncated { get; init; }

    /// <summary>RD: recursion desired (Twisted's <c>recDes</c>).</summary>
    public bool RecursionDesired { get; init; }

    /// <summary>RA: recursion available (Twisted's <c>recAv</c>).</summary>
    public bool RecursionAvailable { get; init; }

    /// <summary>AD: authentic data (RFC 4035; Twisted's <c>authenticData</c>).</summary>
    public bool AuthenticData { get; init; }

    /// <summary>CD: checking disabled (RFC 4035; Twisted's <c>checkingDisabled</c>).</summary>
    public bool CheckingDisabled { get; init; }

    /// <summary>The RCODE, twelve bits with EDNS's extension (Twisted's <c>rCode</c>); above 15 needs <see cref="Edns"/>.</summary>
    public ResponseCode ResponseCode { get; init; }

    /// <summary>The question section (Twisted's <c>queries</c>).</summary>
    public IReadOnlyList<DnsQuery> Queries { get; init; } = [];

    /// <summary>The answer section.</summary>
    public IReadOnlyList<ResourceRecord> Answers { get; init; } = [];

    /// <summary>The authority section.</summary>
    public IReadOnlyList<ResourceRecord> Authority { get; init; } = [];

    /// <summary>The additional section, without the OPT record.</summary>
    public IReadOnlyList<ResourceRecord> Additional { get; init; } = [];

    /// <summary>The OPT record, or null for a message without EDNS.</summary>
    public Edns? Edns { get; init; }

    /// <summary>
    /// Parses a whole message (a UDP payload, or a TCP message without its length prefix). Strict:
    /// anything malformed, trailing bytes included, throws <see cref="DnsFormatException"/> and
    /// nothing else; the work is linear in the length. docs/names.md lists the rules.
    /// </summary>
    public static DnsMessage Parse(ReadOnlySpan<byte> message)
    {
        var reader = new DnsReader(message);
        if (message.Length < DnsReader.HeaderLength) throw new DnsFormatException($"A message is at least 12 bytes, not {message.Length}.");
        var id = reader.ReadUInt16();
        var flags = reader.ReadUInt16();
        int qd = reader.ReadUInt16(), an = reader.ReadUInt16(), ns = reader.ReadUInt16(), ar = reader.ReadUInt16();
        // A question takes at least 5 bytes and a record 11: refuse impossible counts before reading.
        if ((long)qd * 5 + ((long)an + ns + ar) * 11 > reader.Remaining)
        {
            throw new DnsFormatException($"The counts ({qd} questions, {an}+{ns}+{ar} records) exceed the {message.Length}-byte message.");
        }
        var queries = new DnsQuery[qd];
        for (var i = 0; i < qd; i++)
        {
            queries[i] = new DnsQuery(reader.ReadName(), (RecordType)reader.ReadUInt16(), (DnsClass)reader.ReadUInt16());
        }
        Edns? edns = null;
        var extendedRcode = 0;
        var answers = ReadSection(ref reader, an, "answer", ref edns, ref extendedRcode);
        var authority = ReadSection(ref reader, ns, "authority", ref edns, ref extendedRcode);
        var additional = ReadSection(ref reader, ar, null, ref edns, ref extendedRcode);
        if (reader.Remaining != 0) throw new DnsFormatException($"{reader.Remaining} bytes follow the last record.");
        return new DnsMessage
        {
            Id = id,
            IsResponse = (flags & 0x8000) != 0,
            OpCode = (OpCode)((flags >> 11) & 0xF),
            IsAuthoritative = (flags & 0x0400) != 0,
            IsTruncated = (flags & 0x0200) != 0,
            RecursionDesired = (flags & 0x0100) != 0,
            RecursionAvailable = (flags & 0x0080) != 0,
            AuthenticData = (flags & 0x0020) != 0,
            CheckingDisabled = (flags & 0x0010) != 0,
            ResponseCode = (ResponseCode)((extendedRcode << 4) | (flags & 0xF)),
            Queries = queries,
            Answers = answers,
            Authority = authority,
            Additional = additional,
            Edns = edns,
        };
    }

    private static ResourceRecord[] ReadSection(ref DnsReader reader, int count, string? section, ref Edns? edns, ref int extendedRcode)
    {
        var records = new List<ResourceRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadName();
            var type = (RecordType)reader.ReadUInt16();
            var dnsClass = (DnsClass)reader.ReadUInt16();
            var ttl = reader.ReadUInt32();
            int length = reader.ReadUInt16();
            if (length > reader.Remaining) throw new DnsFormatException($"A {type} record's RDLENGTH ({length}) runs past the end of the message.");
            var end = reader.Position + length;
            reader.EnterRecordData(length);
            if (type == RecordType.OPT)
            {
                if (section is not null) throw new DnsFormatException($"An OPT record in the {section} section.");
                if (edns is not null) throw new DnsFormatException("More than one OPT record.");
                if (!name.IsRoot) throw new DnsFormatException($"An OPT record owned by {name}, not the root.");
                edns = ReadEdns(ref reader, (ushort)dnsClass, ttl);
                extendedRcode = (int)(ttl >> 24);
            }
            else
            {
                records.Add(new ResourceRecord(name, RecordData.Read(ref reader, type, dnsClass, length), ttl, dnsClass));
            }
            if (reader.Position != end) throw new DnsFormatException($"A {type} record's RDLENGTH ({length}) is longer than its data ({length - (end - reader.Position)} bytes).");
            reader.ExitRecordData();
        }
        return [.. records];
    }

    private static Edns ReadEdns(ref DnsReader reader, ushort udpPayloadSize, uint ttl)
    {
        var options = new List<EdnsOption>();
        while (reader.Remaining > 0)
        {
            var code = reader.ReadUInt16();
            options.Add(new EdnsOption(code, reader.ReadBytes(reader.ReadUInt16()).ToArray()));
        }
        // The flags' other bits are Z: senders set them to zero and receivers ignore them (RFC 6891).
        return new Edns { UdpPayloadSize = udpPayloadSize, Version = (byte)(ttl >> 16), DnssecOk = (ttl & 0x8000) != 0, Options = options };
    }

    /// <summary>The message in wire form, compressed.</summary>
    /// <exception cref="InvalidOperationException">It exceeds 65535 bytes, has an RCODE above 15 without EDNS, or an OPCODE above 15.</exception>
    public byte[] ToBytes()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLength);
        try
        {
            if (!TryWrite(buffer.AsSpan(0, MaxLength), out var written)) throw new InvalidOperationException("The message is longer than 65535 bytes.");
            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the whole message into <paramref name="destination"/>, compressed; false (and nothing usable) when it does not fit.</summary>
    /// <exception cref="InvalidOperationException">An RCODE above 15 without EDNS, or an OPCODE above 15.</exception>
    public bool TryWrite(Span<byte> destination, out int bytesWritten)
    {
        Span<ushort> names = stackalloc ushort[NameTableSize];
        var writer = new DnsWriter(destination[..Math.Min(destination.Length, MaxLength)], names);
        var complete = Write(ref writer, truncate: false);
        bytesWritten = complete ? writer.Position : 0;
        return complete;
    }

    /// <summary>
    /// Writes as much of the message as fits in <paramref name="destination"/> (the client's UDP size):
    /// whole records only, the OPT record kept, and TC set when answer or authority records were left
    /// out (additional records are dropped silently, RFC 2181 §9). Returns the bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">Not even the header, questions and OPT record fit.</exception>
    public int WriteTruncated(Span<byte> destination)
    {
        Span<ushort> names = stackalloc ushort[NameTableSize];
        var writer = new DnsWriter(destination[..Math.Min(destination.Length, MaxLength)], names);
        if (!Write(ref writer, truncate: true)) throw new ArgumentException("The header, questions and OPT record do not fit.", nameof(destination));
        return writer.Position;
    }

    /// <summary>Writes the message into a buffer writer (at most <paramref name="maxLength"/> bytes, truncating past it); returns the bytes written.</summary>
    public int WriteTo(IBufferWriter<byte> output, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLength, MaxLength);
        var written = WriteTruncated(output.GetSpan(maxLength)[..maxLength]);
        output.Advance(written);
        return written;
    }

    private bool Write(ref DnsWriter writer, bool truncate)
    {
        var rcode = (int)ResponseCode;
        if (rcode > 0xF && Edns is null) throw new InvalidOperationException($"RCODE {ResponseCode} needs EDNS (an OPT record) to carry its high bits.");
        if (rcode > 0xFFF) throw new InvalidOperationException($"RCODE {rcode} does not fit in twelve bits.");
        if ((int)OpCode > 0xF) throw new InvalidOperationException($"OPCODE {(int)OpCode} does not fit in four bits.");
        writer.WriteUInt16(Id);
        var flagsAt = writer.Position;
        writer.WriteUInt16(0);
        writer.WriteUInt16((ushort)Math.Min(Queries.Count, ushort.MaxValue));
        writer.WriteUInt16(0);
        writer.WriteUInt16(0);
        writer.WriteUInt16(0);
        // Index loops: foreach over an IReadOnlyList would allocate an enumerator.
        for (var i = 0; i < Queries.Count; i++)
        {
            var query = Queries[i];
            writer.WriteName(query.Name, compress: true);
            writer.WriteUInt16((ushort)query.Type);
            writer.WriteUInt16((ushort)query.Class);
        }
        if (writer.Overflowed) return false;

        // Room for the OPT record is kept back while the sections are written, so it always goes in.
        writer.Reserved = Edns?.WireLength ?? 0;
        var truncated = IsTruncated;
        int authority = 0, additional = 0;
        var complete = WriteSection(ref writer, Answers, out var answers) && WriteSection(ref writer, Authority, out authority);
        if (!complete)
        {
            if (!truncate) return false;
            truncated = true;
        }
        else if (!WriteSection(ref writer, Additional, out additional) && !truncate)
        {
            return false;
        }
        writer.Reserved = 0;
        if (Edns is { } edns)
        {
            writer.WriteByte(0);
            writer.WriteUInt16((ushort)RecordType.OPT);
            writer.WriteUInt16(edns.UdpPayloadSize);
            writer.WriteUInt32(((uint)(rcode >> 4) << 24) | ((uint)edns.Version << 16) | (edns.DnssecOk ? 0x8000u : 0));
            // Options over 64 KiB cannot fit in a message anyway: the writer overflows, and this returns false.
            writer.WriteUInt16((ushort)(edns.WireLength - 11));
            for (var i = 0; i < edns.Options.Count; i++)
            {
                var option = edns.Options[i];
                writer.WriteUInt16(option.Code);
                writer.WriteUInt16((ushort)option.Data.Length);
                writer.WriteBytes(option.Data);
            }
            additional++;
        }
        if (writer.Overflowed) return false;
        var flags = (IsResponse ? 0x8000 : 0) | (((int)OpCode & 0xF) << 11) | (IsAuthoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0)
            | (RecursionDesired ? 0x0100 : 0) | (RecursionAvailable ? 0x0080 : 0) | (AuthenticData ? 0x0020 : 0)
            | (CheckingDisabled ? 0x0010 : 0) | (rcode & 0xF);
        writer.PatchUInt16(flagsAt, (ushort)flags);
        writer.PatchUInt16(flagsAt + 4, (ushort)answers);
        writer.PatchUInt16(flagsAt + 6, (ushort)authority);
        writer.PatchUInt16(flagsAt + 8, (ushort)additional);
        return true;
    }

    // Writes records while they fit; false at the first that does not.
    private static bool WriteSection(ref DnsWriter writer, IReadOnlyList<ResourceRecord> records, out int written)
    {
        written = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var mark = writer.Mark();
            writer.WriteName(record.Name, compress: true);
            writer.WriteUInt16((ushort)record.Type);
            writer.WriteUInt16((ushort)record.Class);
            writer.WriteUInt32(record.Ttl);
            var lengthAt = writer.Position;
            writer.WriteUInt16(0);
            record.Data.Write(ref writer);
            var length = writer.Position - lengthAt - 2;
            writer.PatchUInt16(lengthAt, (ushort)length);
            if (writer.Overflowed)
            {
                writer.Reset(mark);
                return false;
            }
            written++;
        }
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(DnsMessage? other) =>
        other is not null && Id == other.Id && IsResponse == other.IsResponse && OpCode == other.OpCode
        && IsAuthoritative == other.IsAuthoritative && IsTruncated == other.IsTruncated && RecursionDesired == other.RecursionDesired
        && RecursionAvailable == other.RecursionAvailable && AuthenticData == other.AuthenticData && CheckingDisabled == other.CheckingDisabled
        && ResponseCode == other.ResponseCode && Queries.SequenceEqual(other.Queries) && Answers.SequenceEqual(other.Answers)
        && Authority.SequenceEqual(other.Authority) && Additional.SequenceEqual(other.Additional) && Equals(Edns, other.Edns);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, ResponseCode, Queries.Count, Answers.Count, Authority.Count, Additional.Count);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Id = {Id}, IsResponse = {IsResponse}, OpCode = {OpCode}, IsAuthoritative = {IsAuthoritative}, IsTruncated = {IsTruncated}, ")
            .Append($"RecursionDesired = {RecursionDesired}, RecursionAvailable = {RecursionAvailable}, AuthenticData = {AuthenticData}, ")
            .Append($"CheckingDisabled = {CheckingDisabled}, ResponseCode = {ResponseCode}, Queries = [").AppendJoin(", ", Queries)
            .Append("], Answers = [").AppendJoin(", ", Answers).Append("], Authority = [").AppendJoin(", ", Authority)
            .Append("], Additional = [").AppendJoin(", ", Additional).Append("], Edns = ").Append(Edns?.ToString() ?? "null");
        return true;
    }
}

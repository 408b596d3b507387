namespace Torsion.Names.Wire;

/// <summary>
/// The RDATA of a resource record (twisted.names.dns's <c>Record_A</c>, <c>Record_MX</c>, ... payloads):
/// one sealed record type per well-known type, compared by value, and <see cref="UnknownRecord"/> for
/// the rest. The set is closed: the reader and writer know every kind.
/// </summary>
public abstract record RecordData
{
    private protected RecordData() { }

    /// <summary>The record's TYPE.</summary>
    public abstract RecordType Type { get; }

    /// <summary>Writes the RDATA (without RDLENGTH).</summary>
    internal abstract void Write(ref DnsWriter writer);

    /// <summary>Checks a character-string's length (at most 255 bytes) for constructors.</summary>
    private protected static byte[] CharacterString(byte[] value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (value.Length > 255) throw new ArgumentException($"A character-string is at most 255 bytes, not {value.Length}.", parameter);
        return value;
    }

    /// <summary>Reads the RDATA of <paramref name="type"/> in <paramref name="dnsClass"/>, exactly <paramref name="length"/> bytes.</summary>
    internal static RecordData Read(ref DnsReader reader, RecordType type, DnsClass dnsClass, int length)
    {
        // RFC 2136 updates carry empty RDATA in classes ANY and NONE; A and AAAA are defined only in
        // IN (CH's A is another format): those are kept as raw data, like unknown types (RFC 3597).
        if ((length == 0 && dnsClass is DnsClass.ANY or DnsClass.NONE) || (type is RecordType.A or RecordType.AAAA && dnsClass != DnsClass.IN))
        {
            return new UnknownRecord(type, reader.ReadBytes(length).ToArray());
        }
        return type switch
        {
            RecordType.A => ARecord.ReadData(ref reader, length),
            RecordType.AAAA => AaaaRecord.ReadData(ref reader, length),
            RecordType.NS => new NsRecord(reader.ReadName()),
            RecordType.CNAME => new CnameRecord(reader.ReadName()),
            RecordType.DNAME => new DnameRecord(reader.ReadName()),
            RecordType.PTR => new PtrRecord(reader.ReadName()),
            RecordType.SOA => SoaRecord.ReadData(ref reader),
            RecordType.MX => MxRecord.ReadData(ref reader),
            RecordType.TXT => TxtRecord.ReadData(ref reader),
            RecordType.SRV => SrvRecord.ReadData(ref reader),
            RecordType.NAPTR => NaptrRecord.ReadData(ref reader),
            RecordType.CAA => CaaRecord.ReadData(ref reader),
            RecordType.HINFO => HinfoRecord.ReadData(ref reader),
            RecordType.OPT => throw new DnsFormatException("An OPT record outside the additional section."),
            _ => new UnknownRecord(type, reader.ReadBytes(length).ToArray()),
        };
    }

    /// <summary>Whether two byte arrays hold the same bytes.</summary>
    private protected static bool Same(byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b);

    /// <summary>A hash of a byte array's contents.</summary>
    private protected static int Hash(byte[] bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}

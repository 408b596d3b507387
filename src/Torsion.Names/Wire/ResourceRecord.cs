namespace Torsion.Names.Wire;

/// <summary>
/// A resource record in a message (twisted.names.dns's <c>RRHeader</c> with its <c>payload</c>): an owner
/// name, a class, a TTL and the <see cref="Data"/>, whose kind gives the <see cref="Type"/>.
/// </summary>
public sealed record ResourceRecord
{
    /// <summary>Creates the record.</summary>
    /// <exception cref="ArgumentException">An A or AAAA record outside class IN, whose formats are IN's.</exception>
    public ResourceRecord(DnsName name, RecordData data, uint ttl = 0, DnsClass dnsClass = DnsClass.IN)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Data = data ?? throw new ArgumentNullException(nameof(data));
        if (data is ARecord or AaaaRecord && dnsClass != DnsClass.IN)
        {
            throw new ArgumentException($"{data.Type} data is defined for class IN only; use UnknownRecord in class {dnsClass}.", nameof(dnsClass));
        }
        Ttl = ttl;
        Class = dnsClass;
    }

    /// <summary>The owner name.</summary>
    public DnsName Name { get; }

    /// <summary>The TYPE, from the data.</summary>
    public RecordType Type => Data.Type;

    /// <summary>The CLASS.</summary>
    public DnsClass Class { get; }

    /// <summary>The TTL in seconds, as on the wire.</summary>
    public uint Ttl { get; init; }

    /// <summary>The RDATA (Twisted's <c>payload</c>).</summary>
    public RecordData Data { get; }
}

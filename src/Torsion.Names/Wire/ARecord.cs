using System.Net;
using System.Net.Sockets;

namespace Torsion.Names.Wire;

/// <summary>An IPv4 address (twisted.names.dns's <c>Record_A</c>); class IN only.</summary>
public sealed record ARecord : RecordData
{
    /// <summary>Creates the record.</summary>
    /// <exception cref="ArgumentException">The address is not IPv4.</exception>
    public ARecord(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException("An A record holds an IPv4 address.", nameof(address));
        Address = address;
    }

    /// <summary>Creates the record from dotted-quad text.</summary>
    public ARecord(string address) : this(IPAddress.Parse(address)) { }

    /// <summary>The address.</summary>
    public IPAddress Address { get; }

    /// <inheritdoc/>
    public override RecordType Type => RecordType.A;

    internal override void Write(ref DnsWriter writer)
    {
        Span<byte> bytes = stackalloc byte[4];
        Address.TryWriteBytes(bytes, out _);
        writer.WriteBytes(bytes);
    }

    internal static ARecord ReadData(ref DnsReader reader, int length)
    {
        if (length != 4) throw new DnsFormatException($"An A record's RDLENGTH is 4, not {length}.");
        return new ARecord(new IPAddress(reader.ReadBytes(4)));
    }
}

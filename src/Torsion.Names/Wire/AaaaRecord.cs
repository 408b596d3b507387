using System.Net;
using System.Net.Sockets;

namespace Torsion.Names.Wire;

/// <summary>An IPv6 address (twisted.names.dns's <c>Record_AAAA</c>, RFC 3596); class IN only.</summary>
public sealed record AaaaRecord : RecordData
{
    /// <summary>Creates the record.</summary>
    /// <exception cref="ArgumentException">The address is not IPv6.</exception>
    public AaaaRecord(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6) throw new ArgumentException("An AAAA record holds an IPv6 address.", nameof(address));
        // The wire has no scope: drop it so that a record equals itself after a round trip.
        Address = address.ScopeId == 0 ? address : new IPAddress(address.GetAddressBytes());
    }

    /// <summary>Creates the record from IPv6 text.</summary>
    public AaaaRecord(string address) : this(IPAddress.Parse(address)) { }

    /// <summary>The address.</summary>
    public IPAddress Address { get; }

    /// <inheritdoc/>
    public override RecordType Type => RecordType.AAAA;

    internal override void Write(ref DnsWriter writer)
    {
        Span<byte> bytes = stackalloc byte[16];
        Address.TryWriteBytes(bytes, out _);
        writer.WriteBytes(bytes);
    }

    internal static AaaaRecord ReadData(ref DnsReader reader, int length)
    {
        if (length != 16) throw new DnsFormatException($"An AAAA record's RDLENGTH is 16, not {length}.");
        return new AaaaRecord(new IPAddress(reader.ReadBytes(16)));
    }
}

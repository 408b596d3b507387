using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>The name does not exist (NXDOMAIN; twisted.names' <c>DNSNameError</c>). A name that exists without records of the asked type is not an error: its answer section is empty (NODATA).</summary>
public sealed class DnsNameException : DnsLookupException
{
    /// <summary>Creates the exception for <paramref name="query"/>, with the response when there was one.</summary>
    public DnsNameException(DnsQuery? query, DnsMessage? response = null, string? message = null)
        : base(query, ResponseCode.NXDomain, response, message) { }

    /// <summary>Creates the exception with a message only.</summary>
    public DnsNameException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsNameException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsNameException() { }
}

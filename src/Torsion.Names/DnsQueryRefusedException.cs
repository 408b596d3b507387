using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>The server refused the question (REFUSED; twisted.names' <c>DNSQueryRefusedError</c>), for example a zone transfer to a client it does not allow.</summary>
public sealed class DnsQueryRefusedException : DnsLookupException
{
    /// <summary>Creates the exception for <paramref name="query"/>, with the response when there was one.</summary>
    public DnsQueryRefusedException(DnsQuery? query, DnsMessage? response = null, string? message = null)
        : base(query, ResponseCode.Refused, response, message) { }

    /// <summary>Creates the exception with a message only.</summary>
    public DnsQueryRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsQueryRefusedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsQueryRefusedException() { }
}

using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>The server could not answer (SERVFAIL; twisted.names' <c>DNSServerError</c>).</summary>
public sealed class DnsServerFailureException : DnsLookupException
{
    /// <summary>Creates the exception for <paramref name="query"/>, with the response when there was one.</summary>
    public DnsServerFailureException(DnsQuery? query, DnsMessage? response = null, string? message = null)
        : base(query, ResponseCode.ServFail, response, message) { }

    /// <summary>Creates the exception with a message only.</summary>
    public DnsServerFailureException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsServerFailureException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsServerFailureException() { }
}

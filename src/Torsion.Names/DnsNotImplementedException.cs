using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>The server does not implement the question's kind (NOTIMP; twisted.names' <c>DNSNotImplementedError</c>).</summary>
public sealed class DnsNotImplementedException : DnsLookupException
{
    /// <summary>Creates the exception for <paramref name="query"/>, with the response when there was one.</summary>
    public DnsNotImplementedException(DnsQuery? query, DnsMessage? response = null, string? message = null)
        : base(query, ResponseCode.NotImp, response, message) { }

    /// <summary>Creates the exception with a message only.</summary>
    public DnsNotImplementedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsNotImplementedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsNotImplementedException() { }
}

using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>The server could not parse the question (FORMERR; twisted.names' <c>DNSFormatError</c>). Malformed bytes received by Torsion itself are <see cref="DnsFormatException"/>.</summary>
public sealed class DnsFormErrException : DnsLookupException
{
    /// <summary>Creates the exception for <paramref name="query"/>, with the response when there was one.</summary>
    public DnsFormErrException(DnsQuery? query, DnsMessage? response = null, string? message = null)
        : base(query, ResponseCode.FormErr, response, message) { }

    /// <summary>Creates the exception with a message only.</summary>
    public DnsFormErrException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsFormErrException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsFormErrException() { }
}

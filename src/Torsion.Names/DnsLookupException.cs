using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>
/// A lookup that a DNS server (or an authority in this process) answered with an error code; the
/// subclasses name the common codes so callers can trap them by type. <see cref="Response"/> keeps the
/// message, whose authority section carries the SOA that negative caching needs (RFC 2308).
/// </summary>
public class DnsLookupException : Exception
{
    /// <summary>Creates the exception for <paramref name="query"/> answered with <paramref name="code"/>.</summary>
    public DnsLookupException(DnsQuery? query, ResponseCode code, DnsMessage? response = null, string? message = null)
        : base(message ?? $"DNS lookup of {query?.ToString() ?? "(no query)"} failed: {code}")
    {
        Query = query;
        ResponseCode = code;
        Response = response;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public DnsLookupException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsLookupException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsLookupException() { }

    /// <summary>The question that failed, when known.</summary>
    public DnsQuery? Query { get; }

    /// <summary>The response code the server answered.</summary>
    public ResponseCode ResponseCode { get; } = ResponseCode.ServFail;

    /// <summary>The whole response, when there was one.</summary>
    public DnsMessage? Response { get; }
}

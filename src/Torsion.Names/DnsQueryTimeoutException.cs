using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>
/// No server answered within the timeouts (twisted.names' <c>DNSQueryTimeoutError</c>). A
/// <see cref="TimeoutException"/>, so code that handles timeouts in general handles this one.
/// </summary>
public sealed class DnsQueryTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for <paramref name="query"/>.</summary>
    public DnsQueryTimeoutException(DnsQuery? query, string? message = null, Exception? innerException = null)
        : base(message ?? $"DNS lookup of {query?.ToString() ?? "(no query)"} timed out", innerException) => Query = query;

    /// <summary>Creates the exception with a message only.</summary>
    public DnsQueryTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsQueryTimeoutException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsQueryTimeoutException() { }

    /// <summary>The question that timed out, when known.</summary>
    public DnsQuery? Query { get; }
}

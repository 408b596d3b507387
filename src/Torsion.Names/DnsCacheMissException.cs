using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>A cache (or a hosts file) has no answer for the question, so a chain of resolvers moves on to the next (not an answer from any server).</summary>
public sealed class DnsCacheMissException : DnsLookupException
{
    /// <summary>Creates the exception for <paramref name="query"/>, with the response when there was one.</summary>
    public DnsCacheMissException(DnsQuery? query, DnsMessage? response = null, string? message = null)
        : base(query, ResponseCode.NoError, response, message) { }

    /// <summary>Creates the exception with a message only.</summary>
    public DnsCacheMissException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DnsCacheMissException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no detail.</summary>
    public DnsCacheMissException() { }
}

namespace Torsion.Web.Http;

/// <summary>A parsed status line (RFC 9112 §4); <see cref="Reason"/> is valid only during the handler call.</summary>
public readonly ref struct HttpStatusLine
{
    /// <summary>Creates a status line.</summary>
    /// <param name="version">The response's version.</param>
    /// <param name="statusCode">The three-digit status code (100 to 599).</param>
    /// <param name="reason">The reason phrase (possibly empty).</param>
    public HttpStatusLine(HttpProtocolVersion version, int statusCode, ReadOnlySpan<byte> reason)
    {
        Version = version;
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>The response's version (HTTP/1.x with x above 1 counts as 1.1, RFC 9110 §2.5).</summary>
    public HttpProtocolVersion Version { get; }

    /// <summary>The status code.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase, as sent; clients should ignore it.</summary>
    public ReadOnlySpan<byte> Reason { get; }
}

namespace Torsion.Web.Http;

/// <summary>What the header section decided about the message: its body framing and the connection's persistence.</summary>
public readonly struct HttpMessageFraming
{
    /// <summary>Creates a framing decision.</summary>
    /// <param name="bodyKind">How the body is framed.</param>
    /// <param name="contentLength">The Content-Length, or -1 when the body is not framed by it.</param>
    /// <param name="keepAlive">Whether the connection persists after this message.</param>
    /// <param name="version">The request's version.</param>
    public HttpMessageFraming(MessageBodyKind bodyKind, long contentLength, bool keepAlive, HttpProtocolVersion version)
    {
        BodyKind = bodyKind;
        ContentLength = contentLength;
        KeepAlive = keepAlive;
        Version = version;
    }

    /// <summary>How the body is framed.</summary>
    public MessageBodyKind BodyKind { get; }

    /// <summary>The Content-Length, or -1 when the body is not framed by it.</summary>
    public long ContentLength { get; }

    /// <summary>
    /// Whether the connection persists after this message: HTTP/1.1 unless <c>Connection: close</c>;
    /// HTTP/1.0 only with <c>Connection: keep-alive</c>.
    /// </summary>
    public bool KeepAlive { get; }

    /// <summary>The request's version.</summary>
    public HttpProtocolVersion Version { get; }
}

namespace Torsion.Web.Http;

/// <summary>
/// A parsed request line. The spans point into the parser's input or its line buffer and are valid
/// only during <see cref="IHttpRequestHandler.OnRequestLine"/>: copy (or intern) what must outlive it.
/// </summary>
public readonly ref struct HttpRequestLine
{
    /// <summary>Creates a request line.</summary>
    /// <param name="method">The method token.</param>
    /// <param name="target">The request-target, as sent.</param>
    /// <param name="version">The protocol version.</param>
    /// <param name="form">The form of <paramref name="target"/>.</param>
    public HttpRequestLine(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, HttpProtocolVersion version, RequestTargetForm form)
    {
        Method = method;
        Target = target;
        Version = version;
        Form = form;
    }

    /// <summary>The method token (case-sensitive, e.g. <c>GET</c>).</summary>
    public ReadOnlySpan<byte> Method { get; }

    /// <summary>The request-target, as sent.</summary>
    public ReadOnlySpan<byte> Target { get; }

    /// <summary>The protocol version.</summary>
    public HttpProtocolVersion Version { get; }

    /// <summary>The form of <see cref="Target"/>.</summary>
    public RequestTargetForm Form { get; }
}

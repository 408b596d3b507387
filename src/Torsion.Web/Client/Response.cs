using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.Client;

/// <summary>
/// A response whose header section has arrived (Twisted's <c>IResponse</c>). The body follows through
/// <see cref="DeliverBody"/>; until then the connection holds it and reads no further, so a response
/// whose body is never wanted should still be delivered (or its connection is not reused).
/// </summary>
public sealed class Response
{
    private readonly BodySource _body;

    internal Response(HttpProtocolVersion version, int code, string phrase, Headers headers, long length, string method, Uri requestUri, BodySource body)
    {
        Version = version;
        Code = code;
        Phrase = phrase;
        Headers = headers;
        Length = length;
        RequestMethod = method;
        RequestUri = requestUri;
        _body = body;
    }

    /// <summary>The body's length when known (Content-Length, or 0 for a response that has no body); -1 when not (chunked, close-delimited, decoded).</summary>
    public long Length { get; }

    /// <summary>The status code.</summary>
    public int Code { get; }

    /// <summary>The reason phrase, as sent.</summary>
    public string Phrase { get; }

    /// <summary>The response's header fields.</summary>
    public Headers Headers { get; }

    /// <summary>The version the server answered with.</summary>
    public HttpProtocolVersion Version { get; }

    /// <summary>The method of the request this answers (after redirects, the last one's).</summary>
    public string RequestMethod { get; }

    /// <summary>The address this response came from (after redirects, the last one).</summary>
    public Uri RequestUri { get; }

    /// <summary>The redirect response that led here, if redirects were followed (Twisted's <c>previousResponse</c>); its body has been discarded.</summary>
    public Response? PreviousResponse { get; internal set; }

    /// <summary>
    /// Delivers the body to <paramref name="protocol"/>: MakeConnection with a transport that can pause,
    /// resume and stop it, then DataReceived as it arrives, then ConnectionLost once, whose reason is
    /// <see cref="ResponseDoneException"/> when the body is complete, <see cref="PotentialDataLossException"/>
    /// when it was framed by the connection's close, or a <see cref="ResponseFailedException"/> (or
    /// <see cref="RequestTimeoutException"/>) when it was cut short. Called on the reactor thread, once.
    /// </summary>
    /// <param name="protocol">The body's consumer.</param>
    /// <exception cref="InvalidOperationException">The body was delivered already.</exception>
    public void DeliverBody(IProtocol protocol) => _body.Deliver(protocol);

    internal Response WithBody(Headers headers, long length, BodySource body) =>
        new(Version, Code, Phrase, headers, length, RequestMethod, RequestUri, body) { PreviousResponse = PreviousResponse };

    internal BodySource Body => _body;

    /// <inheritdoc />
    public override string ToString() => $"<Response {Code} {Phrase} {RequestMethod} {RequestUri}>";
}

namespace Torsion.Web.Http;

/// <summary>
/// Receives a <see cref="HttpRequestParser"/>'s events, in order: a request line, its header fields,
/// the end of the header section, body data, trailer fields (chunked only), the end of the message;
/// then the next pipelined request. Spans are valid only during the call. The methods returning
/// <see cref="bool"/> can pause the parser by returning false.
/// </summary>
public interface IHttpRequestHandler
{
    /// <summary>A request line was parsed.</summary>
    /// <param name="line">The request line.</param>
    void OnRequestLine(HttpRequestLine line);

    /// <summary>A header field was parsed; <paramref name="value"/> has its surrounding whitespace removed.</summary>
    /// <param name="name">The field name (case-insensitive; as sent).</param>
    /// <param name="value">The field value.</param>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    /// <summary>The header section is complete and valid.</summary>
    /// <param name="framing">The body framing and persistence.</param>
    /// <returns>False to pause before the body (e.g. to answer <c>Expect: 100-continue</c>).</returns>
    bool OnHeadersComplete(HttpMessageFraming framing);

    /// <summary>Body data (de-chunked); the split into calls depends on how the input arrived.</summary>
    /// <param name="data">The data.</param>
    /// <returns>False to pause: the parser stops right after this data and reports how much it consumed.</returns>
    bool OnBody(ReadOnlySpan<byte> data);

    /// <summary>A trailer field of a chunked body was parsed (with the header rules and limits).</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The field value.</param>
    void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    /// <summary>The message is complete.</summary>
    /// <returns>False to pause before the next pipelined request.</returns>
    bool OnMessageComplete();
}

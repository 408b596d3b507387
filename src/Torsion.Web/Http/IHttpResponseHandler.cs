namespace Torsion.Web.Http;

/// <summary>
/// Receives a <see cref="HttpResponseParser"/>'s events, in order: a status line, its header fields, the
/// end of the header section, body data, trailer fields (chunked only), the end of the message. An
/// interim (1xx) response gets a status line, its fields and <see cref="OnHeadersComplete"/> with no
/// body, and is followed directly by the next status line, never by <see cref="OnMessageComplete"/>.
/// Spans are valid only during the call. The methods returning <see cref="bool"/> can pause the parser.
/// </summary>
public interface IHttpResponseHandler
{
    /// <summary>A status line was parsed.</summary>
    /// <param name="line">The status line.</param>
    void OnStatusLine(HttpStatusLine line);

    /// <summary>A header field was parsed; <paramref name="value"/> has its surrounding whitespace removed.</summary>
    /// <param name="name">The field name (case-insensitive; as sent).</param>
    /// <param name="value">The field value.</param>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    /// <summary>The header section is complete and valid.</summary>
    /// <param name="framing">The body framing and persistence (for a 1xx response: no body).</param>
    /// <returns>False to pause before the body.</returns>
    bool OnHeadersComplete(HttpMessageFraming framing);

    /// <summary>Body data (de-chunked); the split into calls depends on how the input arrived.</summary>
    /// <param name="data">The data.</param>
    /// <returns>False to pause right after this data.</returns>
    bool OnBody(ReadOnlySpan<byte> data);

    /// <summary>A trailer field of a chunked body was parsed.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The field value.</param>
    void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    /// <summary>The final response is complete (for a close-delimited body: the connection closed, see <see cref="HttpResponseParser.ConnectionClosed"/>).</summary>
    /// <returns>False to pause before anything that follows.</returns>
    bool OnMessageComplete();
}

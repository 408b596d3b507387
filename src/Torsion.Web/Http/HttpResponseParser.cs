namespace Torsion.Web.Http;

/// <summary>
/// An incremental, push-style HTTP/1.1 response parser for one client connection (RFC 9112, strict), the
/// counterpart of <see cref="HttpRequestParser"/> with the same rules for lines and fields. Feed it the
/// bytes as they arrive, in any split; call <see cref="ExpectResponseTo"/> before each response (the
/// request's method decides whether a body can follow) and <see cref="ConnectionClosed"/> when the
/// connection ends, which completes a close-delimited body. Errors are results
/// (<see cref="HttpParseStatus.Error"/> with <see cref="ErrorReason"/>), never exceptions, and leave the
/// parser stopped: the connection must be closed.
/// </summary>
/// <remarks>
/// Framing follows RFC 9112 §6.3: responses to HEAD, 1xx, 204 and 304 have no body whatever their fields
/// say; a 2xx answer to CONNECT and a 101 end HTTP on the connection (the parser stops after them and
/// the rest of the input belongs to the tunnel or the new protocol); <c>Transfer-Encoding: chunked</c>,
/// then Content-Length, frame the body; otherwise it runs until the connection closes. Transfer-Encoding
/// with Content-Length, Content-Length values that differ, a transfer coding other than chunked, and
/// Transfer-Encoding in HTTP/1.0 are refused rather than guessed. The status line counts against
/// <see cref="HttpParserOptions.MaxRequestLineLength"/>; the body against <see cref="HttpParserOptions.MaxBodySize"/>.
/// </remarks>
public sealed class HttpResponseParser
{
    // A chunk-size line of up to 16 hex digits and its CR is free; the rest is charged to the extension budget.
    private const int FreeChunkLineBytes = 17;

    private readonly IHttpResponseHandler _handler;
    private readonly HttpParserOptions _options;

    private State _state = State.StatusLine;
    private readonly HttpLineReader _lines = new();

    private bool _isHead;
    private bool _isConnect;

    // Per message; ResetMessage clears them.
    private HttpProtocolVersion _version;
    private int _statusCode;
    private int _sectionBytes;
    private int _fieldCount;
    private long _contentLength = -1;
    private bool _chunked;
    private bool _connectionClose;
    private bool _connectionKeepAlive;
    private int _extensionBytes;
    private long _bodyBytes;
    private long _remaining;

    /// <summary>Creates a parser for one connection.</summary>
    /// <param name="handler">Receives the events.</param>
    /// <param name="options">The limits; null for the defaults.</param>
    public HttpResponseParser(IHttpResponseHandler handler, HttpParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _options = options ?? HttpParserOptions.Default;
    }

    private enum State
    {
        StatusLine,
        Headers,
        Body,
        CloseDelimitedBody,
        ChunkSize,
        ChunkData,
        ChunkDataCr,
        ChunkDataLf,
        Trailers,
        MessageEnd,
        Upgraded,
        Error,
    }

    /// <summary>Why the input was refused; null before an error.</summary>
    public string? ErrorReason { get; private set; }

    /// <summary>True between responses with nothing buffered: a close now cuts no response short.</summary>
    public bool IsAtMessageBoundary => _state == State.StatusLine && _lines.Pending == 0;

    /// <summary>True once a 101 or a 2xx answer to CONNECT has ended HTTP on this connection.</summary>
    public bool IsUpgraded => _state == State.Upgraded;

    /// <summary>Says which request the next response answers: HEAD responses have no body, and CONNECT's 2xx opens a tunnel.</summary>
    /// <param name="method">The request method, as sent.</param>
    /// <exception cref="InvalidOperationException">A response is being parsed.</exception>
    public void ExpectResponseTo(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!IsAtMessageBoundary)
        {
            throw new InvalidOperationException("The method can only be set between responses.");
        }
        _isHead = method == "HEAD";
        _isConnect = method == "CONNECT";
    }

    /// <summary>Parses <paramref name="data"/> as far as it goes, or until the handler pauses, an upgrade or an error.</summary>
    /// <param name="data">The bytes that arrived (or the unconsumed rest of an earlier call).</param>
    /// <param name="consumed">How many bytes were used; after a pause the rest must be fed again, after an upgrade it belongs to the new protocol.</param>
    /// <returns>Why it returned (<see cref="HttpParseStatus.Paused"/> after an upgrade too).</returns>
    public HttpParseStatus Parse(ReadOnlySpan<byte> data, out int consumed)
    {
        var pos = 0;
        while (true)
        {
            switch (_state)
            {
                case State.StatusLine:
                case State.Headers:
                case State.ChunkSize:
                case State.Trailers:
                    if (!TryReadLine(data, ref pos, out var line))
                    {
                        consumed = pos;
                        return _state == State.Error ? HttpParseStatus.Error : HttpParseStatus.NeedMoreData;
                    }
                    if (!ProcessLine(line))
                    {
                        consumed = pos;
                        return _state == State.Error ? HttpParseStatus.Error : HttpParseStatus.Paused;
                    }
                    break;

                case State.Body:
                case State.ChunkData:
                case State.CloseDelimitedBody:
                    {
                        if (pos == data.Length)
                        {
                            consumed = pos;
                            return HttpParseStatus.NeedMoreData;
                        }
                        var closeDelimited = _state == State.CloseDelimitedBody;
                        var n = closeDelimited ? (int)Math.Min(data.Length - pos, _options.MaxBodySize - _bodyBytes) : (int)Math.Min(_remaining, data.Length - pos);
                        if (n == 0)
                        {
                            // Only a close-delimited body gets here: it reached the limit and more came. What came
                            // before was delivered, in every split alike.
                            consumed = pos;
                            Fail("body larger than the limit");
                            return HttpParseStatus.Error;
                        }
                        var slice = data.Slice(pos, n);
                        pos += n;
                        if (closeDelimited)
                        {
                            _bodyBytes += n;
                        }
                        else
                        {
                            _remaining -= n;
                            if (_remaining == 0)
                            {
                                _state = _state == State.Body ? State.MessageEnd : State.ChunkDataCr;
                            }
                        }
                        if (!_handler.OnBody(slice))
                        {
                            consumed = pos;
                            return HttpParseStatus.Paused;
                        }
                        break;
                    }

                case State.ChunkDataCr:
                case State.ChunkDataLf:
                    {
                        if (pos == data.Length)
                        {
                            consumed = pos;
                            return HttpParseStatus.NeedMoreData;
                        }
                        var expected = _state == State.ChunkDataCr ? (byte)'\r' : (byte)'\n';
                        if (data[pos] != expected)
                        {
                            consumed = pos;
                            Fail("chunk data not followed by CRLF");
                            return HttpParseStatus.Error;
                        }
                        pos++;
                        _state = _state == State.ChunkDataCr ? State.ChunkDataLf : State.ChunkSize;
                        break;
                    }

                case State.MessageEnd:
                    {
                        var upgrade = _statusCode == 101 || (_isConnect && _statusCode is >= 200 and < 300);
                        ResetMessage();
                        _state = upgrade ? State.Upgraded : State.StatusLine;
                        _isHead = false;
                        _isConnect = false;
                        if (!_handler.OnMessageComplete() || upgrade)
                        {
                            consumed = pos;
                            return HttpParseStatus.Paused;
                        }
                        break;
                    }

                case State.Upgraded:
                    consumed = pos;
                    return HttpParseStatus.Paused;

                default:
                    consumed = pos;
                    return HttpParseStatus.Error;
            }
        }
    }

    /// <summary>
    /// The connection ended. A close-delimited body is complete (<see cref="IHttpResponseHandler.OnMessageComplete"/>
    /// is called); between responses nothing happens; anywhere else the response was cut short and this is an error.
    /// </summary>
    /// <returns><see cref="HttpParseStatus.NeedMoreData"/> when the close was clean for HTTP, <see cref="HttpParseStatus.Error"/> otherwise.</returns>
    public HttpParseStatus ConnectionClosed()
    {
        switch (_state)
        {
            case State.CloseDelimitedBody:
                _state = State.MessageEnd;
                return Parse([], out _) == HttpParseStatus.Error ? HttpParseStatus.Error : HttpParseStatus.NeedMoreData;
            case State.MessageEnd:
                Parse([], out _);
                return HttpParseStatus.NeedMoreData;
            case State.StatusLine when _lines.Pending == 0:
            case State.Upgraded:
                return HttpParseStatus.NeedMoreData;
            case State.Error:
                return HttpParseStatus.Error;
            default:
                Fail(_state is State.StatusLine or State.Headers
                    ? "connection closed before the response headers were complete"
                    : "connection closed before the response body was complete");
                return HttpParseStatus.Error;
        }
    }

    private bool TryReadLine(ReadOnlySpan<byte> data, ref int pos, out ReadOnlySpan<byte> line)
    {
        switch (_lines.TryRead(data, ref pos, LineLimit(), out line))
        {
            case HttpLineReader.Result.Line:
                return true;
            case HttpLineReader.Result.TooLong:
                Fail(_state switch
                {
                    State.StatusLine => "status line too long",
                    State.Headers => "header section too large",
                    State.Trailers => "trailer section too large",
                    _ => "chunk extensions too long",
                });
                return false;
            default:
                return false;
        }
    }

    private long LineLimit() => _state switch
    {
        State.StatusLine => (long)_options.MaxRequestLineLength + 1,
        State.Headers or State.Trailers => (long)_options.MaxHeaderBytes - _sectionBytes - 1,
        _ => (long)FreeChunkLineBytes + _options.MaxChunkExtensionBytes - _extensionBytes,
    };

    private bool ProcessLine(ReadOnlySpan<byte> line)
    {
        // CRLF only, as for requests: a bare LF or CR is refused (RFC 9112 §2.2).
        if (HttpLines.CheckEnding(line, out var content) is { } bad)
        {
            return Fail(bad);
        }
        return _state switch
        {
            State.StatusLine => StatusLine(content),
            State.Headers or State.Trailers => FieldLine(content, line.Length + 1),
            _ => ChunkSizeLine(content, line.Length),
        };
    }

    // status-line = HTTP-version SP status-code SP [ reason-phrase ]; a missing final SP is tolerated, as
    // RFC 9112 §4 lets a client do, since servers that send "HTTP/1.1 200" exist.
    private bool StatusLine(ReadOnlySpan<byte> content)
    {
        if (content.Length < 12 || !content.StartsWith("HTTP/"u8) || !char.IsAsciiDigit((char)content[5])
            || content[6] != (byte)'.' || !char.IsAsciiDigit((char)content[7]) || content[8] != (byte)' ')
        {
            return Fail("malformed status line");
        }
        if (content[5] != (byte)'1')
        {
            return Fail("HTTP version not supported");
        }
        var code = content.Slice(9, 3);
        if (!char.IsAsciiDigit((char)code[0]) || !char.IsAsciiDigit((char)code[1]) || !char.IsAsciiDigit((char)code[2]))
        {
            return Fail("malformed status code");
        }
        var status = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0');
        if (status is < 100 or > 599)
        {
            return Fail("status code out of range");
        }
        var reason = content[12..];
        if (!reason.IsEmpty)
        {
            if (reason[0] != (byte)' ')
            {
                return Fail("malformed status line");
            }
            reason = reason[1..];
            if (!HttpSyntax.IsFieldValue(reason))
            {
                return Fail("invalid reason phrase");
            }
        }
        _version = content[7] == (byte)'0' ? HttpProtocolVersion.Http10 : HttpProtocolVersion.Http11;
        _statusCode = status;
        _state = State.Headers;
        _handler.OnStatusLine(new HttpStatusLine(_version, status, reason));
        return true;
    }

    private bool FieldLine(ReadOnlySpan<byte> content, int lineBytes)
    {
        var trailers = _state == State.Trailers;
        if (content.IsEmpty)
        {
            if (trailers)
            {
                _state = State.MessageEnd;
                return true;
            }
            return EndHeaders();
        }
        if (HttpSyntax.IsWhitespace(content[0]))
        {
            return Fail("obsolete line folding");
        }
        if (++_fieldCount > _options.MaxHeaderCount)
        {
            return Fail(trailers ? "too many trailer fields" : "too many header fields");
        }
        _sectionBytes += lineBytes;
        if (HttpLines.SplitField(content, out var name, out var value) is { } bad)
        {
            return Fail(bad);
        }
        if (trailers)
        {
            _handler.OnTrailer(name, value);
            return true;
        }
        if (!Interpret(name, value))
        {
            return false;
        }
        _handler.OnHeader(name, value);
        return true;
    }

    private bool Interpret(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        switch (name.Length)
        {
            case 14 when HttpSyntax.EqualsLower(name, "content-length"u8):
                {
                    if (!TryParseContentLength(value, out var n))
                    {
                        return Fail("invalid Content-Length");
                    }
                    // An identical repeat is harmless (RFC 9110 §8.6 lets a recipient accept it); a different one is ambiguous.
                    if (_contentLength >= 0 && _contentLength != n)
                    {
                        return Fail("conflicting Content-Length");
                    }
                    _contentLength = n;
                    return true;
                }

            case 17 when HttpSyntax.EqualsLower(name, "transfer-encoding"u8):
                if (_chunked)
                {
                    return Fail("repeated Transfer-Encoding");
                }
                foreach (var range in value.Split((byte)','))
                {
                    var coding = HttpSyntax.TrimWhitespace(value[range]);
                    if (!HttpSyntax.EqualsLower(coding, "chunked"u8) || _chunked)
                    {
                        return Fail(HttpSyntax.IsToken(coding) ? "transfer coding not implemented" : "invalid Transfer-Encoding");
                    }
                    _chunked = true;
                }
                return true;

            case 10 when HttpSyntax.EqualsLower(name, "connection"u8):
                foreach (var range in value.Split((byte)','))
                {
                    var option = HttpSyntax.TrimWhitespace(value[range]);
                    _connectionClose |= HttpSyntax.EqualsLower(option, "close"u8);
                    _connectionKeepAlive |= HttpSyntax.EqualsLower(option, "keep-alive"u8);
                }
                return true;

            default:
                return true;
        }
    }

    private static bool TryParseContentLength(ReadOnlySpan<byte> value, out long n)
    {
        n = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }
        foreach (var b in value)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
            n = (n * 10) + (b - '0');
        }
        return true;
    }

    private bool EndHeaders()
    {
        var keepAlive = !_connectionClose && (_version == HttpProtocolVersion.Http11 || _connectionKeepAlive);
        if (_statusCode < 200 && _statusCode != 101)
        {
            // Interim: its fields are reported, then the final response follows.
            var interim = new HttpMessageFraming(MessageBodyKind.None, -1, keepAlive, _version);
            ResetMessage();
            _state = State.StatusLine;
            return _handler.OnHeadersComplete(interim);
        }
        MessageBodyKind kind;
        if (_chunked && _version == HttpProtocolVersion.Http10)
        {
            return Fail("Transfer-Encoding in HTTP/1.0");
        }
        if (_chunked && _contentLength >= 0)
        {
            return Fail("Transfer-Encoding with Content-Length");
        }
        if (_isHead || _statusCode is 101 or 204 or 304 || (_isConnect && _statusCode is >= 200 and < 300))
        {
            kind = MessageBodyKind.None;
            keepAlive &= _statusCode != 101 && !_isConnect;
            _state = State.MessageEnd;
        }
        else if (_chunked)
        {
            kind = MessageBodyKind.Chunked;
            _state = State.ChunkSize;
        }
        else if (_contentLength >= 0)
        {
            if (_contentLength > _options.MaxBodySize)
            {
                return Fail("body larger than the limit");
            }
            kind = MessageBodyKind.ContentLength;
            _remaining = _contentLength;
            _state = _contentLength == 0 ? State.MessageEnd : State.Body;
        }
        else
        {
            kind = MessageBodyKind.CloseDelimited;
            keepAlive = false;
            _state = State.CloseDelimitedBody;
        }
        var length = kind == MessageBodyKind.ContentLength ? _contentLength : -1;
        return _handler.OnHeadersComplete(new HttpMessageFraming(kind, length, keepAlive, _version));
    }

    private bool ChunkSizeLine(ReadOnlySpan<byte> content, int lineBytes)
    {
        _extensionBytes += Math.Max(0, lineBytes - FreeChunkLineBytes);
        if (HttpLines.ParseChunkSize(content, out var size) is { } bad)
        {
            return Fail(bad);
        }
        if (size > (ulong)(_options.MaxBodySize - _bodyBytes))
        {
            return Fail("body larger than the limit");
        }
        if (size == 0)
        {
            _sectionBytes = 0;
            _fieldCount = 0;
            _state = State.Trailers;
            return true;
        }
        _bodyBytes += (long)size;
        _remaining = (long)size;
        _state = State.ChunkData;
        return true;
    }

    private void ResetMessage()
    {
        _sectionBytes = 0;
        _fieldCount = 0;
        _contentLength = -1;
        _chunked = false;
        _connectionClose = false;
        _connectionKeepAlive = false;
        _extensionBytes = 0;
        _bodyBytes = 0;
        _remaining = 0;
    }

    private bool Fail(string reason)
    {
        _state = State.Error;
        ErrorReason = reason;
        return false;
    }
}

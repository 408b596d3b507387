namespace Torsion.Web.Http;

/// <summary>
/// An incremental, push-style HTTP/1.1 request parser for one persistent connection (RFC 9112, strict).
/// Feed it the bytes as they arrive, in any split: the events, and any error, are the same whether a
/// request comes whole or a byte at a time. Errors are results (<see cref="HttpParseStatus.Error"/>
/// with <see cref="ErrorStatusCode"/> and <see cref="ErrorReason"/>), never exceptions, and leave the
/// parser stopped: the connection must answer the status and close. docs/web.md lists the rules.
/// </summary>
/// <remarks>
/// The hot path does not allocate: a line that arrives whole is parsed in place, and only a line split
/// across reads is copied into a buffer that is kept for the connection's life.
/// </remarks>
public sealed class HttpRequestParser
{
    private const int BodyLimitStatus = 413;

    // A chunk-size line of up to 16 hex digits and its CR is free; the rest is charged to the extension budget.
    private const int FreeChunkLineBytes = 17;

    private readonly IHttpRequestHandler _handler;
    private readonly HttpParserOptions _options;

    private State _state = State.RequestLine;
    private readonly HttpLineReader _lines = new();

    // Per message; ResetMessage clears them.
    private int _preambleBytes;
    private HttpProtocolVersion _version;
    private int _sectionBytes;
    private int _fieldCount;
    private int _hostCount;
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
    public HttpRequestParser(IHttpRequestHandler handler, HttpParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _options = options ?? HttpParserOptions.Default;
    }

    private enum State
    {
        RequestLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataCr,
        ChunkDataLf,
        Trailers,
        MessageEnd,
        Error,
    }

    /// <summary>The status code to answer after <see cref="HttpParseStatus.Error"/> (400, 413, 414, 431, 501 or 505); 0 before.</summary>
    public int ErrorStatusCode { get; private set; }

    /// <summary>Why the input was refused, for logs and the error page; null before an error.</summary>
    public string? ErrorReason { get; private set; }

    /// <summary>
    /// True between messages with nothing buffered: the connection is idle, so closing it now loses no
    /// request (and the idle timeout, rather than the slow-sender one, applies).
    /// </summary>
    public bool IsAtMessageBoundary => _state == State.RequestLine && _lines.Pending == 0 && _preambleBytes == 0;

    /// <summary>
    /// Parses <paramref name="data"/> as far as it goes, or until the handler pauses or an error.
    /// </summary>
    /// <param name="data">The bytes that arrived (or the unconsumed rest of an earlier call).</param>
    /// <param name="consumed">How many bytes of <paramref name="data"/> were used; the rest must be fed again after a pause.</param>
    /// <returns>Why it returned.</returns>
    public HttpParseStatus Parse(ReadOnlySpan<byte> data, out int consumed)
    {
        var pos = 0;
        while (true)
        {
            switch (_state)
            {
                case State.RequestLine:
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
                    {
                        if (pos == data.Length)
                        {
                            consumed = pos;
                            return HttpParseStatus.NeedMoreData;
                        }
                        var n = (int)Math.Min(_remaining, data.Length - pos);
                        var slice = data.Slice(pos, n);
                        pos += n;
                        _remaining -= n;
                        if (_remaining == 0)
                        {
                            _state = _state == State.Body ? State.MessageEnd : State.ChunkDataCr;
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
                            Fail(400, "chunk data not followed by CRLF");
                            return HttpParseStatus.Error;
                        }
                        pos++;
                        _state = _state == State.ChunkDataCr ? State.ChunkDataLf : State.ChunkSize;
                        break;
                    }

                case State.MessageEnd:
                    ResetMessage();
                    _state = State.RequestLine;
                    if (!_handler.OnMessageComplete())
                    {
                        consumed = pos;
                        return HttpParseStatus.Paused;
                    }
                    break;

                default:
                    consumed = pos;
                    return HttpParseStatus.Error;
            }
        }
    }

    // Reads up to the next LF through the shared line reader; false when the input ends first or the line is too long.
    private bool TryReadLine(ReadOnlySpan<byte> data, ref int pos, out ReadOnlySpan<byte> line)
    {
        switch (_lines.TryRead(data, ref pos, LineLimit(), out line))
        {
            case HttpLineReader.Result.Line:
                return true;
            case HttpLineReader.Result.TooLong:
                FailLineTooLong();
                return false;
            default:
                return false;
        }
    }

    // The most bytes (before the LF) the current line may have.
    private long LineLimit() => _state switch
    {
        State.RequestLine => (long)_options.MaxRequestLineLength + 1 - _preambleBytes,
        State.Headers or State.Trailers => (long)_options.MaxHeaderBytes - _sectionBytes - 1,
        _ => (long)FreeChunkLineBytes + _options.MaxChunkExtensionBytes - _extensionBytes,
    };

    private void FailLineTooLong()
    {
        _ = _state switch
        {
            State.RequestLine => Fail(414, "request line too long"),
            State.Headers => Fail(431, "header section too large"),
            State.Trailers => Fail(431, "trailer section too large"),
            _ => Fail(400, "chunk extensions too long"),
        };
    }

    // False to stop: an error (state Error) or a pause.
    private bool ProcessLine(ReadOnlySpan<byte> line)
    {
        // CRLF only: a bare LF ends no line here, and a CR anywhere else is refused (RFC 9112 §2.2).
        if (HttpLines.CheckEnding(line, out var content) is { } bad)
        {
            return Fail(400, bad);
        }
        return _state switch
        {
            State.RequestLine => RequestLine(content),
            State.Headers or State.Trailers => FieldLine(content, line.Length + 1),
            _ => ChunkSizeLine(content, line.Length),
        };
    }

    private bool RequestLine(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line; they count against its limit.
            _preambleBytes += 2;
            return true;
        }
        var sp1 = content.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            return Fail(400, "malformed request line");
        }
        var method = content[..sp1];
        if (!HttpSyntax.IsToken(method))
        {
            return Fail(400, "invalid method");
        }
        var rest = content[(sp1 + 1)..];
        var sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0)
        {
            return Fail(400, "malformed request line");
        }
        var target = rest[..sp2];
        var version = rest[(sp2 + 1)..];
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || !char.IsAsciiDigit((char)version[5])
            || version[6] != (byte)'.' || !char.IsAsciiDigit((char)version[7]))
        {
            return Fail(400, "malformed HTTP version");
        }
        if (version[5] != (byte)'1' || version[7] is not ((byte)'0' or (byte)'1'))
        {
            return Fail(505, "HTTP version not supported");
        }
        _version = version[7] == (byte)'1' ? HttpProtocolVersion.Http11 : HttpProtocolVersion.Http10;
        foreach (var b in target)
        {
            // VCHAR without '#': a fragment is never sent, and anything else needs percent-encoding.
            if (b is < 0x21 or > 0x7E or (byte)'#')
            {
                return Fail(400, "invalid request-target");
            }
        }
        var isConnect = method.SequenceEqual("CONNECT"u8);
        RequestTargetForm form;
        if (isConnect)
        {
            if (!IsAuthorityForm(target))
            {
                return Fail(400, "CONNECT needs an authority-form target");
            }
            form = RequestTargetForm.Authority;
        }
        else if (target[0] == (byte)'/')
        {
            form = RequestTargetForm.Origin;
        }
        else if (target.SequenceEqual("*"u8))
        {
            if (!method.SequenceEqual("OPTIONS"u8))
            {
                return Fail(400, "asterisk-form target is only for OPTIONS");
            }
            form = RequestTargetForm.Asterisk;
        }
        else if (IsAbsoluteForm(target))
        {
            form = RequestTargetForm.Absolute;
        }
        else
        {
            return Fail(400, "invalid request-target");
        }
        _state = State.Headers;
        _handler.OnRequestLine(new HttpRequestLine(method, target, _version, form));
        return true;
    }

    // authority-form = uri-host ":" port, with a port of 1 to 5 digits.
    private static bool IsAuthorityForm(ReadOnlySpan<byte> target)
    {
        var colon = target.LastIndexOf((byte)':');
        if (colon <= 0 || colon == target.Length - 1 || target.Length - colon - 1 > 5)
        {
            return false;
        }
        foreach (var b in target[(colon + 1)..])
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
        }
        var host = target[..colon];
        return HttpSyntax.IsHost(host) && !host.Contains((byte)'@');
    }

    // absolute-form: scheme ":" hier-part, with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    private static bool IsAbsoluteForm(ReadOnlySpan<byte> target)
    {
        var colon = target.IndexOf((byte)':');
        if (colon <= 0 || !char.IsAsciiLetter((char)target[0]))
        {
            return false;
        }
        foreach (var b in target[..colon])
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b is not ((byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }
        return true;
    }

    private bool FieldLine(ReadOnlySpan<byte> content, int lineBytes)
    {
        var trailers = _state == State.Trailers;
        if (content.IsEmpty)
        {
            return trailers ? EndTrailers() : EndHeaders();
        }
        if (HttpSyntax.IsWhitespace(content[0]))
        {
            return Fail(400, "obsolete line folding");
        }
        if (++_fieldCount > _options.MaxHeaderCount)
        {
            return Fail(431, trailers ? "too many trailer fields" : "too many header fields");
        }
        _sectionBytes += lineBytes;
        if (HttpLines.SplitField(content, out var name, out var value) is { } bad)
        {
            return Fail(400, bad);
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

    // The fields that decide framing and persistence.
    private bool Interpret(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        switch (name.Length)
        {
            case 4 when HttpSyntax.EqualsLower(name, "host"u8):
                if (++_hostCount > 1)
                {
                    return Fail(400, "repeated Host");
                }
                return HttpSyntax.IsHost(value) || Fail(400, "invalid Host");

            case 14 when HttpSyntax.EqualsLower(name, "content-length"u8):
                // Even an identical repeat is refused: recipients that merge, keep the first or keep the
                // last disagree, and that disagreement is what smuggling exploits. No honest client repeats it.
                if (_contentLength >= 0)
                {
                    return Fail(400, "repeated Content-Length");
                }
                return ParseContentLength(value) || Fail(400, "invalid Content-Length");

            case 17 when HttpSyntax.EqualsLower(name, "transfer-encoding"u8):
                return TransferEncoding(value);

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

    // Content-Length = 1*DIGIT: no sign, no hex, no inner whitespace, no list; at most 18 digits, so no overflow.
    private bool ParseContentLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }
        long n = 0;
        foreach (var b in value)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
            n = (n * 10) + (b - '0');
        }
        _contentLength = n;
        return true;
    }

    // Only a final "chunked" frames a request: "chunked" alone is accepted; other codings before it are
    // 501 (none is implemented); a final coding other than chunked is 400 (RFC 9112 §6.1 MUST).
    private bool TransferEncoding(ReadOnlySpan<byte> value)
    {
        if (_chunked)
        {
            return Fail(400, "repeated Transfer-Encoding");
        }
        var count = 0;
        var chunkedCount = 0;
        var last = false;
        foreach (var range in value.Split((byte)','))
        {
            var coding = HttpSyntax.TrimWhitespace(value[range]);
            if (!HttpSyntax.IsToken(coding))
            {
                return Fail(400, "invalid Transfer-Encoding");
            }
            count++;
            last = HttpSyntax.EqualsLower(coding, "chunked"u8);
            if (last)
            {
                chunkedCount++;
            }
        }
        if (!last || chunkedCount > 1)
        {
            return Fail(400, "chunked is not the final transfer coding exactly once");
        }
        if (count > 1)
        {
            return Fail(501, "transfer coding not implemented");
        }
        _chunked = true;
        return true;
    }

    private bool EndHeaders()
    {
        if (_version == HttpProtocolVersion.Http11 && _hostCount == 0)
        {
            return Fail(400, "missing Host");
        }
        MessageBodyKind kind;
        if (_chunked)
        {
            if (_contentLength >= 0)
            {
                return Fail(400, "Transfer-Encoding with Content-Length");
            }
            if (_version == HttpProtocolVersion.Http10)
            {
                // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
                return Fail(400, "Transfer-Encoding in HTTP/1.0");
            }
            kind = MessageBodyKind.Chunked;
            _state = State.ChunkSize;
        }
        else if (_contentLength >= 0)
        {
            if (_contentLength > _options.MaxBodySize)
            {
                return Fail(BodyLimitStatus, "body larger than the limit");
            }
            kind = MessageBodyKind.ContentLength;
            _remaining = _contentLength;
            _state = _contentLength == 0 ? State.MessageEnd : State.Body;
        }
        else
        {
            kind = MessageBodyKind.None;
            _state = State.MessageEnd;
        }
        var keepAlive = !_connectionClose && (_version == HttpProtocolVersion.Http11 || _connectionKeepAlive);
        return _handler.OnHeadersComplete(new HttpMessageFraming(kind, _contentLength, keepAlive, _version));
    }

    // chunk = chunk-size [ chunk-ext ] CRLF; chunk-size = 1*HEXDIG, here at most 16 digits.
    private bool ChunkSizeLine(ReadOnlySpan<byte> content, int lineBytes)
    {
        _extensionBytes += Math.Max(0, lineBytes - FreeChunkLineBytes);
        if (HttpLines.ParseChunkSize(content, out var size) is { } bad)
        {
            return Fail(400, bad);
        }
        if (size > (ulong)(_options.MaxBodySize - _bodyBytes))
        {
            return Fail(BodyLimitStatus, "body larger than the limit");
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

    private bool EndTrailers()
    {
        _state = State.MessageEnd;
        return true;
    }

    private void ResetMessage()
    {
        _preambleBytes = 0;
        _sectionBytes = 0;
        _fieldCount = 0;
        _hostCount = 0;
        _contentLength = -1;
        _chunked = false;
        _connectionClose = false;
        _connectionKeepAlive = false;
        _extensionBytes = 0;
        _bodyBytes = 0;
        _remaining = 0;
    }

    private bool Fail(int status, string reason)
    {
        _state = State.Error;
        ErrorStatusCode = status;
        ErrorReason = reason;
        return false;
    }
}

using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.Client;

/// <summary>
/// One client connection (Twisted's <c>HTTP11ClientProtocol</c>): it sends one request at a time, parses
/// the response with <see cref="HttpResponseParser"/> and streams the body to the response's consumer with
/// flow control. When an exchange ends it tells its owner (the pool) whether it can carry another.
/// It can also open a CONNECT tunnel through a proxy and switch to TLS before its first request.
/// </summary>
internal sealed class HttpClientConnection : Protocol, IHttpResponseHandler, IBodyFlow
{
    private readonly HttpParserOptions _parserOptions;
    private ITransport? _io;
    private HttpResponseParser _parser;

    private ExchangeRequest? _request;
    private Deferred<Response>? _response;
    private Deferred? _tunnel;
    private ResponseBody? _body;
    private bool _requestBodyDone;
    private IBodyProducer? _producer;

    // The response being parsed.
    private int _code;
    private string _phrase = "";
    private Headers _headers = new();
    private HttpProtocolVersion _version;
    private bool _keepAlive;
    private bool _closeDelimited;
    private bool _messageComplete;

    private bool _anyByte;
    private bool _feeding;
    private bool _bodyPaused;
    private byte[]? _held;
    private Exception? _abortReason;
    private bool _lost;
    private Exception? _closedWhileHeld;
    private Failure? _bodyEnd;

    public HttpClientConnection(HttpParserOptions parserOptions)
    {
        _parserOptions = parserOptions;
        _parser = new HttpResponseParser(this, parserOptions);
    }

    /// <summary>
    /// The transport to use: the connection's, or after <see cref="StartTls"/> the TLS one. Kept here rather
    /// than read from <see cref="Protocol.Transport"/>, which StartTls does not update for a protocol an
    /// endpoint wrapped.
    /// </summary>
    public ITransport Io => _io ?? Transport;

    /// <summary>True when the pool handed this connection out again after an earlier exchange.</summary>
    public bool Reused { get; set; }

    /// <summary>Told when an exchange ends: true when the connection is idle and can carry another request.</summary>
    public Action<HttpClientConnection, bool>? Released { get; set; }

    /// <summary>Told once when the connection is gone.</summary>
    public Action<HttpClientConnection>? Lost { get; set; }

    /// <summary>Fires when the connection is gone.</summary>
    public Deferred Closed { get; } = new();

    public bool IsLost => _lost;

    /// <summary>Asks the proxy at the other end for a tunnel to <paramref name="authority"/> (host:port); fires once it is open.</summary>
    public Deferred OpenTunnel(string authority)
    {
        _tunnel = new Deferred();
        _parser.ExpectResponseTo("CONNECT");
        Io.Write(Encoding.Latin1.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"));
        return _tunnel;
    }

    /// <summary>Switches to TLS; the first request is held until the handshake is done, and a failed handshake fails it.</summary>
    public void StartTls(TlsClientOptions options) => _io = Io.StartTls(options);

    /// <summary>Sends <paramref name="request"/>; fires with the response once its header section is in.</summary>
    public Deferred<Response> Send(ExchangeRequest request)
    {
        if (_request is not null || _lost)
        {
            return Deferred.Fail<Response>(new InvalidOperationException("The connection is busy or gone."));
        }
        _request = request;
        _response = new Deferred<Response>();
        _requestBodyDone = request.Body is null;
        _messageComplete = false;
        _anyByte = false;
        _parser.ExpectResponseTo(request.Method);
        WriteHead(request);
        if (request.Body is { } producer)
        {
            StartBody(producer);
        }
        return _response;
    }

    /// <summary>Closes the connection at once; what is in flight fails with <paramref name="reason"/>.</summary>
    public void Abort(Exception reason)
    {
        _abortReason ??= reason;
        if (!_lost)
        {
            ((ITcpTransport)Io).AbortConnection();
        }
    }

    private void WriteHead(ExchangeRequest request)
    {
        var head = new StringBuilder(256);
        head.Append(request.Method).Append(' ').Append(request.Target).Append(" HTTP/1.1\r\n");
        foreach (var (name, value) in request.Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (request.Body is { } body)
        {
            head.Append(body.Length >= 0 ? $"Content-Length: {body.Length}\r\n" : "Transfer-Encoding: chunked\r\n");
        }
        head.Append("\r\n");
        Io.Write(Encoding.Latin1.GetBytes(head.ToString()));
    }

    private void StartBody(IBodyProducer producer)
    {
        _producer = producer;
        var chunked = producer.Length < 0;
        var consumer = chunked ? (IBodyConsumer)new ChunkedBodyWriter(Io) : new PlainBodyWriter(Io);
        ((IConsumer)Io).RegisterProducer(producer, true);
        Deferred produced;
        try
        {
            produced = producer.StartProducing(consumer);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or NotSupportedException or UnauthorizedAccessException)
        {
            produced = Deferred.Fail(e);
        }
        produced.AddBoth<Unit>(outcome =>
        {
            if (_lost || _producer != producer)
            {
                return Unit.Value;
            }
            _producer = null;
            ((IConsumer)Io).UnregisterProducer();
            if (outcome.Failure is { } failure)
            {
                Abort(new ResponseFailedException("The request body could not be produced: " + failure.ErrorMessage, failure.Value));
                return Unit.Value;
            }
            if (chunked)
            {
                Io.Write("0\r\n\r\n"u8);
            }
            _requestBodyDone = true;
            if (_messageComplete)
            {
                // The server answered before the body was all sent (an early error): the exchange ends now.
                EndExchange(reusable: false);
            }
            return Unit.Value;
        });
    }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        _anyByte = true;
        if (_held is not null)
        {
            // Arrived while paused (from the same read): keep it behind what is held.
            _held = [.. _held, .. data];
            return;
        }
        if (_request is null && _tunnel is null)
        {
            // Nothing was asked: an idle connection that talks is broken, and must not carry a request.
            Abort(new ResponseFailedException("The server sent data on an idle connection."));
            return;
        }
        Feed(data);
    }

    private void Feed(ReadOnlySpan<byte> data)
    {
        _feeding = true;
        try
        {
            while (true)
            {
                var status = _parser.Parse(data, out var consumed);
                data = data[consumed..];
                if (status == HttpParseStatus.NeedMoreData)
                {
                    return;
                }
                if (status == HttpParseStatus.Error)
                {
                    ParseFailed(new ResponseFailedException($"Malformed HTTP response: {_parser.ErrorReason}."));
                    return;
                }
                if (_parser.IsUpgraded && _tunnel is { } tunnel)
                {
                    // The proxy said yes: what follows is the origin's, through the tunnel.
                    _tunnel = null;
                    _parser = new HttpResponseParser(this, _parserOptions);
                    tunnel.Callback();
                    if (!data.IsEmpty)
                    {
                        Abort(new ResponseFailedException("The proxy sent data before the tunnel was used."));
                    }
                    return;
                }
                if (_messageComplete)
                {
                    var unsolicited = !data.IsEmpty;
                    EndExchange(reusable: _keepAlive && !unsolicited && !_parser.IsUpgraded);
                    if (unsolicited)
                    {
                        Abort(new ResponseFailedException("The server sent more than the response."));
                    }
                    return;
                }
                // Paused for flow control: hold the rest and stop reading until the consumer resumes.
                _held = data.ToArray();
                if (!_lost)
                {
                    ((IPushProducer)Io).PauseProducing();
                }
                return;
            }
        }
        finally
        {
            _feeding = false;
        }
    }

    private void ParseFailed(ResponseFailedException error)
    {
        if (_lost)
        {
            // Bytes held past the close turned out malformed: the body fails with the parse error.
            _abortReason ??= error;
            _body?.Finish(new Failure(error));
            return;
        }
        Abort(error);
    }

    public void OnStatusLine(HttpStatusLine line)
    {
        _code = line.StatusCode;
        _phrase = Encoding.Latin1.GetString(line.Reason);
        _version = line.Version;
        _headers = new Headers();
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        _headers.AddParsed(Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value));

    public bool OnHeadersComplete(HttpMessageFraming framing)
    {
        if (_code < 200 && _code != 101)
        {
            // Interim (100 Continue, 103 Early Hints): nothing to tell; the final response follows.
            return true;
        }
        if (_tunnel is { } tunnel)
        {
            if (_code is >= 200 and < 300)
            {
                return true;
            }
            _tunnel = null;
            var refused = new ResponseFailedException($"The proxy refused the tunnel: {_code} {_phrase}.");
            tunnel.Errback(refused);
            Abort(refused);
            return false;
        }
        if (_response is not { } deferred || _request is not { } request)
        {
            Abort(new ResponseFailedException("The server sent a response to no request."));
            return false;
        }
        if (_code == 101)
        {
            ParseFailed(new ResponseFailedException("The server switched protocols (101) though no upgrade was asked for."));
            return false;
        }
        _keepAlive = framing.KeepAlive;
        _closeDelimited = framing.BodyKind == MessageBodyKind.CloseDelimited;
        var body = new ResponseBody(this);
        _body = body;
        var length = framing.BodyKind switch
        {
            MessageBodyKind.None => 0,
            MessageBodyKind.ContentLength => framing.ContentLength,
            _ => -1,
        };
        var response = new Response(_version, _code, _phrase, _headers, length, request.Method, request.Uri, body);
        _response = null;
        deferred.Callback(response);
        // Hold the body until someone wants it, unless there is none to hold.
        if (!body.HasConsumer && length != 0)
        {
            _bodyPaused = true;
        }
        return !_bodyPaused;
    }

    public bool OnBody(ReadOnlySpan<byte> data)
    {
        _body!.Data(data);
        return !_bodyPaused;
    }

    public void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        // Trailers are not offered to the application (Twisted drops them too).
    }

    public bool OnMessageComplete()
    {
        if (_tunnel is not null)
        {
            return false;
        }
        _messageComplete = true;
        _bodyEnd = new Failure(_closeDelimited
            ? new PotentialDataLossException("The body ended when the server closed the connection; nothing else marks its end.")
            : new ResponseDoneException("The response body is complete."));
        if (_lost)
        {
            // Completed by the close itself: no exchange to hand back.
            var end = _bodyEnd;
            _bodyEnd = null;
            _body?.Finish(end);
        }
        return false;
    }

    private void EndExchange(bool reusable)
    {
        if (!_requestBodyDone)
        {
            // The server finished first; the rest of the request body cannot be sent on this connection.
            _producer?.StopProducing();
            reusable = false;
        }
        var request = _request;
        var body = _body;
        var end = _bodyEnd;
        _request = null;
        _body = null;
        _bodyEnd = null;
        _messageComplete = false;
        _bodyPaused = false;
        request?.Ended?.Invoke();
        reusable &= !Io.Disconnecting && !_lost;
        if (!reusable && !_lost)
        {
            Io.LoseConnection();
        }
        // The connection goes back to the pool before the body's end is told, so a request made from that
        // callback (the next in a sequence) finds it idle and reuses it.
        Released?.Invoke(this, reusable);
        if (body is not null && end is not null)
        {
            body.Finish(end);
        }
    }

    public void PauseBody()
    {
        if (_body is null || _lost)
        {
            return;
        }
        _bodyPaused = true;
        if (!_feeding)
        {
            ((IPushProducer)Io).PauseProducing();
        }
    }

    public void ResumeBody()
    {
        if (_lost)
        {
            ResumeAfterClose();
            return;
        }
        _bodyPaused = false;
        if (_feeding)
        {
            return;
        }
        ((IPushProducer)Io).ResumeProducing();
        if (_held is { } held)
        {
            _held = null;
            Feed(held);
        }
    }

    private void ResumeAfterClose()
    {
        _bodyPaused = false;
        if (_feeding || _closedWhileHeld is not { } cause || _held is not { } held)
        {
            return;
        }
        _held = null;
        Feed(held);
        if (_held is not null)
        {
            // Paused again by the consumer: the rest waits for the next resume.
            return;
        }
        _closedWhileHeld = null;
        if (_body is { Ended: false } body)
        {
            FinishOnClose(body, cause);
        }
        _body = null;
        EndRequest();
    }

    public void StopBody() => Abort(new ResponseFailedException("The body's consumer stopped it."));

    public EndPoint GetPeer() => Io.GetPeer();

    public EndPoint GetHost() => Io.GetHost();

    public override void ConnectionLost(Failure reason)
    {
        if (_lost)
        {
            return;
        }
        _lost = true;
        _producer?.StopProducing();
        _producer = null;
        var cause = _abortReason ?? reason.Value;
        if (_tunnel is { } tunnel)
        {
            _tunnel = null;
            tunnel.Errback(Wrap("The connection to the proxy was lost before the tunnel opened", cause));
        }
        if (_response is { } deferred)
        {
            _response = null;
            var error = _abortReason ?? (cause is TlsHandshakeException
                ? cause
                : Reused && !_anyByte
                    ? new StaleConnectionException(cause)
                    : Wrap("The connection was lost before the response arrived", cause));
            deferred.Errback(error);
        }
        else if (_body is { Ended: false } body)
        {
            if (_held is not null && !body.HasConsumer && _abortReason is null)
            {
                // Bytes wait for a consumer not attached yet: they are parsed, and the close told, on delivery.
                _closedWhileHeld = cause;
            }
            else
            {
                FinishOnClose(body, cause);
            }
        }
        if (_closedWhileHeld is null)
        {
            _body = null;
            EndRequest();
        }
        Lost?.Invoke(this);
        Closed.Callback();
    }

    private void EndRequest()
    {
        if (_request is { } request)
        {
            _request = null;
            request.Ended?.Invoke();
        }
    }

    // The connection is gone while the body was open: a close-delimited body ends well, anything else was cut short.
    private void FinishOnClose(ResponseBody body, Exception cause)
    {
        if (_abortReason is null && _parser.ConnectionClosed() == HttpParseStatus.NeedMoreData && body.Ended)
        {
            return;
        }
        body.Finish(new Failure(_abortReason ?? Wrap("The connection was lost before the response body was complete", cause)));
    }

    private static Exception Wrap(string what, Exception cause) =>
        cause is ResponseFailedException or RequestTimeoutException ? cause : new ResponseFailedException($"{what}: {cause.Message}", cause);
}

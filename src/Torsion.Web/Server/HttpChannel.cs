using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.Server;

/// <summary>
/// One HTTP/1.1 connection (twisted.web's <c>HTTPChannel</c>): feeds the parser, builds a
/// <see cref="Request"/> per message, renders it, and answers pipelined requests strictly in order by
/// not parsing the next request until the current response is finished (the parser pauses at the
/// message end and the transport stops reading). It is also the transport's producer, so a client that
/// does not read its responses stops the server from reading its next requests.
/// </summary>
internal sealed class HttpChannel : IProtocol, IHttpRequestHandler, IPushProducer
{
    private const int MaxCachedFields = 32;

    // After an error answer, what the client still sends is read and dropped for a while (nginx's
    // lingering close): closing with unread data would send a reset that can destroy the answer
    // before the client reads it.
    private const double LingerSeconds = 2;
    private const long LingerBytes = 1 << 20;

    private readonly Site _site;
    private readonly SiteOptions _options;
    private readonly HttpRequestParser _parser;
    private readonly IReactorTime _clock;
    private readonly Action _onTimer;
    private readonly double _timerPeriod;
    private ITransport? _transport;
    private ITcpTransport? _tcp;

    // Input the parser has not consumed yet (it paused): fed again when it resumes.
    private byte[] _in = [];
    private int _inStart;
    private int _inEnd;

    private bool _parsing;
    private bool _blocked;
    private bool _readingPaused;
    private bool _closed;
    private bool _gone;
    private IProtocol? _upgradeTo;
    private IProtocol? _upgraded;

    private Request? _current;
    private int _fieldIndex;
    private bool _messageComplete;
    private bool _streaming;
    private bool _expectContinue;
    private bool _continueSent;
    private bool _draining;
    private byte[]? _content;
    private int _contentLength;

    private bool _writePaused;
    private bool _waitingForDrain;
    private IProducer? _appProducer;
    private bool _appStreaming;
    private IDelayedCall? _pullCall;

    private IDelayedCall? _timer;
    private IDelayedCall? _lingerCall;
    private bool _lingering;
    private long _lingered;
    private double _deadline;
    private Phase _phase;

    // When the transport's write buffer filled (PauseProducing) plus SendTimeout: the client must have
    // drained it (ResumeProducing) by then. Read only while _writePaused, so the hot path never sets it.
    private double _sendDeadline;

    // Inside a read, deadlines are noted and the clock read once when it ends (not once per request).
    private bool _inRead;
    private bool _deadlinePending;
    private double _pendingSeconds;

    // Strings of the last request's method, target and fields, reused when the next one sends the same bytes:
    // a keep-alive client repeating its headers costs no string allocation.
    private string? _lastMethod;
    private string? _lastTarget;
    private readonly string?[] _names = new string?[MaxCachedFields];
    private readonly string?[] _values = new string?[MaxCachedFields];

    internal HttpChannel(Site site)
    {
        _site = site;
        _options = site.Options;
        _clock = site.Clock;
        _parser = new HttpRequestParser(this, _options.Limits);
        _onTimer = OnTimer;
        _timerPeriod = Math.Min(Math.Min(_options.IdleTimeout, _options.SendTimeout), Math.Min(_options.HeaderTimeout, _options.BodyTimeout));
        ServerHeader = site.ServerHeaderLine;
    }

    private enum Phase
    {
        None,
        Idle,
        Header,
        Body,
    }

    internal Site Site => _site;

    internal ITransport Transport => _transport ?? throw new InvalidOperationException("The connection is not made yet.");

    /// <summary>The connection's reusable output buffer (response heads and small bodies).</summary>
    internal ResponseBuffer Out { get; } = new();

    /// <summary>Body bytes written during a render, held to learn the length.</summary>
    internal ResponseBuffer Held { get; } = new();

    internal byte[]? ServerHeader { get; }

    /// <summary>True once the server answered the current request itself (bad body, timeout).</summary>
    internal bool AnsweredByServer { get; private set; }

    public void MakeConnection(ITransport transport)
    {
        _transport = transport;
        _tcp = transport as ITcpTransport;
        _tcp?.RegisterProducer(this, streaming: true);
        _site.ConnectionOpened();
        SetTimeout(Phase.Idle, _options.IdleTimeout);
    }

    public void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_upgraded is not null)
        {
            _upgraded.DataReceived(data);
            return;
        }
        if (_lingering)
        {
            _lingered += data.Length;
            if (_lingered > LingerBytes)
            {
                _tcp!.AbortConnection();
            }
            return;
        }
        if (_closed)
        {
            return;
        }
        var outer = _inRead;
        _inRead = true;
        try
        {
            if (_inStart == _inEnd && !_blocked && !_parsing)
            {
                // The hot path: parse straight from the transport's buffer.
                if (_current is null && _parser.IsAtMessageBoundary)
                {
                    SetTimeout(Phase.Header, _options.HeaderTimeout);
                }
                HttpParseStatus status;
                int consumed;
                _parsing = true;
                try
                {
                    status = _parser.Parse(data, out consumed);
                }
                finally
                {
                    _parsing = false;
                }
                if (status == HttpParseStatus.Error)
                {
                    ParseError();
                    return;
                }
                if (consumed < data.Length)
                {
                    Keep(data[consumed..]);
                }
                AfterParse();
                return;
            }
            Keep(data);
            if (!_blocked && !_parsing)
            {
                Drive();
            }
            else
            {
                PauseReading();
            }
        }
        finally
        {
            EndRead(outer);
        }
    }

    public void ConnectionLost(Failure reason)
    {
        if (_gone)
        {
            return;
        }
        _gone = true;
        _closed = true;
        _site.ConnectionClosed();
        CancelTimers();
        if (_lingerCall is { Active: true })
        {
            _lingerCall.Cancel();
        }
        if (_upgraded is not null)
        {
            _upgraded.ConnectionLost(reason);
            return;
        }
        _current?.ConnectionGone(reason);
        if (_appProducer is { } producer)
        {
            _appProducer = null;
            producer.StopProducing();
        }
    }

    // IHttpRequestHandler: the parser's events for the current message.

    public void OnRequestLine(HttpRequestLine line)
    {
        _lastMethod = SameLatin1(line.Method, _lastMethod) ? _lastMethod : Encoding.Latin1.GetString(line.Method);
        _lastTarget = SameLatin1(line.Target, _lastTarget) ? _lastTarget : Encoding.Latin1.GetString(line.Target);
        _current = new Request(this, _lastMethod!, _lastTarget!, line.Version);
        if (_options.AccessLog)
        {
            _current.ReceivedUtc = DateTime.UtcNow;
        }
        _fieldIndex = 0;
        _messageComplete = false;
        _streaming = false;
        _expectContinue = false;
        _continueSent = false;
        _draining = false;
        _content = null;
        _contentLength = 0;
        AnsweredByServer = false;
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        string n, v;
        if (_fieldIndex < MaxCachedFields)
        {
            n = _names[_fieldIndex] is { } cn && SameLatin1(name, cn) ? cn : (_names[_fieldIndex] = Encoding.Latin1.GetString(name));
            v = _values[_fieldIndex] is { } cv && SameLatin1(value, cv) ? cv : (_values[_fieldIndex] = Encoding.Latin1.GetString(value));
        }
        else
        {
            n = Encoding.Latin1.GetString(name);
            v = Encoding.Latin1.GetString(value);
        }
        _fieldIndex++;
        _current!.RequestHeaders.AddParsed(n, v);
        if (n.Length == 6 && n.Equals("Expect", StringComparison.OrdinalIgnoreCase) && v.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            _expectContinue = true;
        }
    }

    public bool OnHeadersComplete(HttpMessageFraming framing)
    {
        var request = _current!;
        request.KeepAlive = framing.KeepAlive;
        var hasBody = framing.BodyKind == MessageBodyKind.Chunked || framing.ContentLength > 0;
        _expectContinue = _expectContinue && hasBody && framing.Version == HttpProtocolVersion.Http11;
        if (hasBody)
        {
            SetTimeout(Phase.Body, _options.BodyTimeout);
        }
        else
        {
            _phase = Phase.None;
        }
        Resource resource;
        try
        {
            resource = _site.GetResourceFor(request);
        }
        catch (Exception e)
        {
            Site.Log.Failure("Exception finding the resource for {uri}", e, Logging.LogLevel.Error, ("uri", request.Uri));
            resource = new ErrorPage(500, "Internal Server Error", "The resource could not be found.");
        }
        request.Resource = resource;
        if (!hasBody)
        {
            return true;
        }
        if (resource.StreamsRequestBody || !resource.Allows(request.Method))
        {
            // Rendered now; the body is read only as the resource asks for it (and 100 Continue sent then).
            _streaming = true;
            request.SetStreamingBody(new RequestBody(this, framing.ContentLength));
            Render(request);
            if (_closed || _upgradeTo is not null || _expectContinue && !_continueSent && !_draining)
            {
                _blocked = true;
                return false;
            }
            return true;
        }
        if (_expectContinue)
        {
            SendContinue();
        }
        return true;
    }

    public bool OnBody(ReadOnlySpan<byte> data)
    {
        if (_phase == Phase.Body)
        {
            MoveDeadline(_options.BodyTimeout);
        }
        if (_draining)
        {
            return !_closed;
        }
        if (_streaming)
        {
            var body = _current!.StreamingBody!;
            if (body.Offer(data))
            {
                return !_closed;
            }
            if (_closed)
            {
                return false;
            }
            if (_draining)
            {
                body.Discard();
                return true;
            }
            _blocked = true;
            return false;
        }
        AppendContent(data);
        return true;
    }

    public void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        // Trailers are parsed (and bounded) but not given to resources: nothing here needs them yet.
    }

    public bool OnMessageComplete()
    {
        var request = _current!;
        _messageComplete = true;
        _phase = Phase.None;
        if (_streaming)
        {
            request.StreamingBody!.Complete();
        }
        else if (!request.Rendered)
        {
            request.SetContent(_content, _contentLength);
            _content = null;
            Render(request);
        }
        if (_upgradeTo is not null || _closed)
        {
            _blocked = true;
            return false;
        }
        if (request.Finished)
        {
            return NextRequest();
        }
        _blocked = true;
        return false;
    }

    // IPushProducer: the transport's write buffer is full (pause) or has drained (resume).

    public void PauseProducing()
    {
        _writePaused = true;
        if (!_closed)
        {
            // A full write buffer starts the send timeout: only big or unread responses come here.
            _sendDeadline = _clock.Seconds() + _options.SendTimeout;
            _timer ??= _clock.CallLater(Math.Min(_options.SendTimeout, _timerPeriod), _onTimer);
        }
        if (_appStreaming && _appProducer is IPushProducer push)
        {
            push.PauseProducing();
        }
    }

    public void ResumeProducing()
    {
        _writePaused = false;
        if (_appStreaming && _appProducer is IPushProducer push)
        {
            push.ResumeProducing();
        }
        else if (_appProducer is not null)
        {
            SchedulePull();
        }
        if (_waitingForDrain)
        {
            _waitingForDrain = false;
            Unblock();
        }
    }

    public void StopProducing()
    {
        if (_appProducer is { } producer)
        {
            _appProducer = null;
            producer.StopProducing();
        }
    }

    // Called by Request and RequestBody.

    internal void ResponseFinished(Request request)
    {
        _site.RequestServed();
        WriteAccessLog(request, request.Code, request.SentLength);
        if (_appProducer is not null)
        {
            UnregisterAppProducer();
        }
        if (_current != request)
        {
            return;
        }
        if (_streaming && !_messageComplete)
        {
            if (_expectContinue && !_continueSent)
            {
                // The client may never send the body it asked about: do not wait for it.
                request.KeepAlive = false;
            }
            if (!request.KeepAlive)
            {
                Close();
                return;
            }
            _draining = true;
            request.StreamingBody!.Discard();
            Unblock();
            return;
        }
        if (_parsing || !_messageComplete)
        {
            // OnMessageComplete sees Finished and goes on by itself.
            return;
        }
        if (NextRequest())
        {
            Unblock();
        }
    }

    /// <summary>A streamed body's reader is waiting: ask for the body (100 Continue) and resume reading.</summary>
    internal void BodyWanted()
    {
        if (_closed || _messageComplete || !_streaming)
        {
            return;
        }
        if (_expectContinue && !_continueSent)
        {
            SendContinue();
        }
        if (_blocked)
        {
            Unblock();
        }
    }

    /// <summary>
    /// True when the response to <paramref name="request"/> goes out before the body it announced with
    /// <c>Expect: 100-continue</c> was asked for: the client may or may not send it, so the connection
    /// cannot carry another request.
    /// </summary>
    internal bool MustCloseAfter(Request request) =>
        request == _current && _streaming && !_messageComplete && _expectContinue && !_continueSent;

    internal void CheckUpgradable(Request request)
    {
        if (request != _current || !_messageComplete || _streaming || _closed)
        {
            throw new InvalidOperationException("Only the current request, without a body, can upgrade the connection.");
        }
    }

    internal void Upgrade(Request request, IProtocol protocol)
    {
        _site.RequestServed();
        WriteAccessLog(request, 101, 0);
        _upgradeTo = protocol;
        _phase = Phase.None;
        if (!_parsing)
        {
            CompleteUpgrade();
        }
    }

    internal void RegisterAppProducer(IProducer producer, bool streaming)
    {
        if (_appProducer is not null)
        {
            throw new InvalidOperationException($"Cannot register producer {producer}: {_appProducer} was never unregistered.");
        }
        if (streaming ? producer is not IPushProducer : producer is not IPullProducer)
        {
            throw new ArgumentException(streaming ? "A streaming producer must implement IPushProducer." : "A non-streaming producer must implement IPullProducer.", nameof(producer));
        }
        _appProducer = producer;
        _appStreaming = streaming;
        if (streaming && _writePaused)
        {
            ((IPushProducer)producer).PauseProducing();
        }
        else if (!streaming)
        {
            SchedulePull();
        }
    }

    internal void UnregisterAppProducer()
    {
        _appProducer = null;
        if (_pullCall is { Active: true })
        {
            _pullCall.Cancel();
        }
        _pullCall = null;
    }

    /// <summary>Drops the connection at once (a response already under way cannot be ended cleanly).</summary>
    internal void Abort()
    {
        if (_gone)
        {
            return;
        }
        _closed = true;
        CancelTimers();
        if (_tcp is not null)
        {
            _tcp.UnregisterProducer();
            _tcp.AbortConnection();
        }
        else
        {
            Transport.LoseConnection();
        }
    }

    private bool NextRequest()
    {
        var request = _current!;
        _current = null;
        if (!request.KeepAlive)
        {
            Close();
            _blocked = true;
            return false;
        }
        SetTimeout(Phase.Idle, _options.IdleTimeout);
        if (_writePaused)
        {
            // The client is not reading its responses: read no further request until it does.
            _waitingForDrain = true;
            _blocked = true;
            return false;
        }
        return true;
    }

    private void Render(Request request)
    {
        if (!WebTracing.Source.HasListeners())
        {
            RenderNow(request);
            return;
        }
        // Traced: the activity is current while the resource renders (so what it starts, an Agent
        // request say, is its child, and async continuations carry it), then the loop's goes back.
        var previous = System.Diagnostics.Activity.Current;
        var host = Transport.GetHost();
        request.Activity = WebTracing.StartServer(request.Method, request.Path, request.IsSecure, request.Version,
            request.GetHeader(WebTracing.TraceParentHeader), request.GetHeader("tracestate"), request.GetRequestHostname(), host);
        try
        {
            RenderNow(request);
        }
        finally
        {
            System.Diagnostics.Activity.Current = previous;
        }
    }

    private void RenderNow(Request request)
    {
        request.Rendered = true;
        request.DeferHead = true;
        RenderResult result;
        try
        {
            result = request.Resource!.Render(request);
        }
        catch (Exception e)
        {
            request.DeferHead = false;
            Held.Clear();
            request.RenderFailed(new Failure(e));
            return;
        }
        request.HandleResult(result);
    }

    private void Unblock()
    {
        _blocked = false;
        if (!_parsing && !_closed && _upgradeTo is null)
        {
            Drive();
        }
    }

    private void Drive()
    {
        var outer = _inRead;
        _inRead = true;
        try
        {
            DriveParser();
        }
        finally
        {
            EndRead(outer);
        }
    }

    private void EndRead(bool outer)
    {
        _inRead = outer;
        if (!outer && _deadlinePending)
        {
            _deadlinePending = false;
            _deadline = _clock.Seconds() + _pendingSeconds;
        }
    }

    private void DriveParser()
    {
        while (!_blocked && !_closed && _upgradeTo is null)
        {
            if (_current is null && _parser.IsAtMessageBoundary && _inStart < _inEnd)
            {
                SetTimeout(Phase.Header, _options.HeaderTimeout);
            }
            HttpParseStatus status;
            int consumed;
            _parsing = true;
            try
            {
                status = _parser.Parse(_in.AsSpan(_inStart, _inEnd - _inStart), out consumed);
            }
            finally
            {
                _parsing = false;
            }
            _inStart += consumed;
            if (_inStart == _inEnd)
            {
                _inStart = _inEnd = 0;
            }
            if (status == HttpParseStatus.Error)
            {
                ParseError();
                return;
            }
            if (status == HttpParseStatus.NeedMoreData)
            {
                break;
            }
        }
        AfterParse();
    }

    private void AfterParse()
    {
        if (_upgradeTo is not null)
        {
            CompleteUpgrade();
            return;
        }
        if (_closed)
        {
            return;
        }
        if (_blocked)
        {
            if (_inStart < _inEnd)
            {
                PauseReading();
            }
        }
        else
        {
            ResumeReading();
        }
    }

    private void CompleteUpgrade()
    {
        var protocol = _upgradeTo!;
        _upgradeTo = null;
        _upgraded = protocol;
        _current = null;
        CancelTimers();
        var rest = _in.AsSpan(_inStart, _inEnd - _inStart).ToArray();
        _in = [];
        _inStart = _inEnd = 0;
        _tcp?.UnregisterProducer();
        protocol.MakeConnection(Transport);
        if (rest.Length > 0 && !_gone)
        {
            protocol.DataReceived(rest);
        }
        if (!_gone)
        {
            ResumeReading();
        }
    }

    private void ParseError()
    {
        var code = _parser.ErrorStatusCode;
        Site.Log.Info("Refused a request from {peer}: {code} {reason}", ("peer", Transport.GetPeer()), ("code", code), ("reason", _parser.ErrorReason));
        AnswerAndClose(code, new RequestBodyException(code, _parser.ErrorReason ?? StatusCodes.Phrase(code)));
    }

    /// <summary>The server answers the current message itself (bad input or timeout) and closes.</summary>
    private void AnswerAndClose(int code, Exception why)
    {
        var request = _current;
        var failure = new Failure(why);
        if (request is not null && request.Rendered && (request.StartedWriting || request.Finished))
        {
            // A response is under way or done: it cannot be replaced.
            request.MarkAnswered(failure);
            if (request.Finished && !_draining)
            {
                Abort();
            }
            else if (request.Finished)
            {
                Close();
            }
            else
            {
                Abort();
            }
            return;
        }
        AnsweredByServer = true;
        Held.Clear();
        request?.MarkAnswered(failure);
        var phrase = StatusCodes.Phrase(code);
        var body = Encoding.ASCII.GetBytes($"{code} {phrase}\n");
        Out.Clear();
        Out.Append("HTTP/1.1 "u8);
        Out.AppendDecimal(code);
        Out.Append(" "u8);
        Out.AppendLatin1(phrase);
        Out.Append("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: "u8);
        Out.AppendDecimal(body.Length);
        Out.AppendCrlf();
        Out.Append(HttpDate.HeaderLine);
        if (ServerHeader is not null)
        {
            Out.Append(ServerHeader);
        }
        Out.AppendCrlf();
        Out.Append(body);
        Transport.Write(Out.Span);
        Out.Clear();
        _site.RequestServed();
        WriteAccessLog(request, code, body.Length);
        Linger();
    }

    /// <summary>Ends the connection after an error answer: half-close, drain what still arrives for a while, then close.</summary>
    private void Linger()
    {
        if (_tcp is null || _tcp is ITlsTransport || _gone)
        {
            Close();
            return;
        }
        _closed = true;
        _lingering = true;
        CancelTimers();
        _tcp.UnregisterProducer();
        _tcp.LoseWriteConnection();
        if (_readingPaused)
        {
            _readingPaused = false;
            _tcp.ResumeProducing();
        }
        var tcp = _tcp;
        _lingerCall = _clock.CallLater(LingerSeconds, () =>
        {
            if (!_gone)
            {
                tcp.AbortConnection();
            }
        });
    }

    private void Close()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        CancelTimers();
        _tcp?.UnregisterProducer();
        Transport.LoseConnection();
    }

    private void SendContinue()
    {
        _continueSent = true;
        Transport.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
    }

    private void AppendContent(ReadOnlySpan<byte> data)
    {
        if (_content is null || _contentLength + data.Length > _content.Length)
        {
            // Grown as the body arrives, not sized from Content-Length: a client announcing a large body
            // and sending nothing costs nothing.
            var size = Math.Max(_contentLength + data.Length, Math.Max(4096, (_content?.Length ?? 0) * 2));
            Array.Resize(ref _content, size);
        }
        data.CopyTo(_content.AsSpan(_contentLength));
        _contentLength += data.Length;
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (_inEnd + data.Length > _in.Length)
        {
            var live = _inEnd - _inStart;
            var bigger = live + data.Length <= _in.Length ? _in : new byte[Math.Max(live + data.Length, Math.Max(4096, _in.Length * 2))];
            _in.AsSpan(_inStart, live).CopyTo(bigger);
            _in = bigger;
            _inStart = 0;
            _inEnd = live;
        }
        data.CopyTo(_in.AsSpan(_inEnd));
        _inEnd += data.Length;
    }

    private void PauseReading()
    {
        if (!_readingPaused && _tcp is not null && !_gone)
        {
            _readingPaused = true;
            _tcp.PauseProducing();
        }
    }

    private void ResumeReading()
    {
        if (_readingPaused && _tcp is not null && !_gone)
        {
            _readingPaused = false;
            _tcp.ResumeProducing();
        }
    }

    private void SchedulePull()
    {
        if (_pullCall is { Active: true } || _appStreaming || _appProducer is null)
        {
            return;
        }
        _pullCall = _clock.CallLater(0, Pull);
    }

    // A pull producer writes once per ResumeProducing: ask it while the transport takes more (Twisted's _PullToPush).
    private void Pull()
    {
        _pullCall = null;
        for (var i = 0; i < 16 && !_writePaused && !_closed && _appProducer is IPullProducer pull && !_appStreaming; i++)
        {
            pull.ResumeProducing();
        }
        if (!_writePaused && !_closed)
        {
            SchedulePull();
        }
    }

    // One timer per connection, firing at least every _timerPeriod and re-armed lazily: moving a deadline
    // (every request does) is a field write, never a timer-heap operation.
    private void SetTimeout(Phase phase, double seconds)
    {
        _phase = phase;
        MoveDeadline(seconds);
        _timer ??= _clock.CallLater(Math.Min(seconds, _timerPeriod), _onTimer);
    }

    private void MoveDeadline(double seconds)
    {
        if (_inRead)
        {
            _deadlinePending = true;
            _pendingSeconds = seconds;
        }
        else
        {
            _deadline = _clock.Seconds() + seconds;
        }
    }

    private void OnTimer()
    {
        _timer = null;
        if (_closed)
        {
            return;
        }
        var now = _clock.Seconds();
        if (_writePaused && now >= _sendDeadline)
        {
            // The client has read nothing of what is queued for it for SendTimeout: a response cannot
            // be ended cleanly, so drop the connection (its request's NotifyFinish fails, its producer stops).
            Site.Log.Info("Client {peer} stopped reading its response: closing", ("peer", Transport.GetPeer()));
            Abort();
            return;
        }
        if (_phase == Phase.None)
        {
            if (_writePaused)
            {
                _timer = _clock.CallLater(Math.Min(_sendDeadline - now, _timerPeriod), _onTimer);
            }
            return;
        }
        if (_phase == Phase.Body && _blocked)
        {
            // The application is not reading: that is not the client's delay.
            _deadline = now + _options.BodyTimeout;
        }
        if (now < _deadline)
        {
            var next = _writePaused ? Math.Min(_deadline, _sendDeadline) : _deadline;
            _timer = _clock.CallLater(Math.Min(next - now, _timerPeriod), _onTimer);
            return;
        }
        switch (_phase)
        {
            case Phase.Idle when _writePaused:
                // Responses are still queued for a slow reader: the send timeout decides, not the idle one.
                _timer = _clock.CallLater(Math.Min(_sendDeadline - now, _timerPeriod), _onTimer);
                break;
            case Phase.Idle:
                Site.Log.Debug("Closing an idle connection from {peer}", ("peer", Transport.GetPeer()));
                Close();
                break;
            case Phase.Header:
                Site.Log.Info("Request head from {peer} too slow: 408", ("peer", Transport.GetPeer()));
                AnswerAndClose(408, new RequestBodyException(408, "The request head did not arrive in time."));
                break;
            default:
                Site.Log.Info("Request body from {peer} too slow: 408", ("peer", Transport.GetPeer()));
                AnswerAndClose(408, new RequestBodyException(408, "The request body did not arrive in time."));
                break;
        }
    }

    private void CancelTimers()
    {
        _phase = Phase.None;
        if (_timer is { Active: true })
        {
            _timer.Cancel();
        }
        _timer = null;
        if (_pullCall is { Active: true })
        {
            _pullCall.Cancel();
        }
        _pullCall = null;
    }

    private void WriteAccessLog(Request? request, int code, long length)
    {
        if (!_options.AccessLog)
        {
            return;
        }
        var peer = _transport?.GetPeer() is System.Net.IPEndPoint ip ? ip.Address.ToString() : "-";
        string line;
        if (request is null)
        {
            line = $"{peer} - - [{HttpDate.ForLog(DateTime.UtcNow)}] \"-\" {code} {length} \"-\" \"-\"";
        }
        else
        {
            line = $"{peer} - - [{HttpDate.ForLog(request.ReceivedUtc)}] \"{Quote(request.Method)} {Quote(request.Uri)} {request.ClientProto}\" {code} {(length > 0 ? length : "-")} \"{Quote(request.GetHeader("Referer") ?? "-")}\" \"{Quote(request.GetHeader("User-Agent") ?? "-")}\"";
        }
        Site.AccessLog.Info("{log_line}", ("log_line", line));
    }

    private static string Quote(string s) =>
        s.Contains('"', StringComparison.Ordinal) || s.Contains('\\', StringComparison.Ordinal)
            ? s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            : s;

    private static bool SameLatin1(ReadOnlySpan<byte> bytes, string? s)
    {
        if (s is null || s.Length != bytes.Length)
        {
            return false;
        }
        for (var i = 0; i < bytes.Length; i++)
        {
            if (s[i] != bytes[i])
            {
                return false;
            }
        }
        return true;
    }
}

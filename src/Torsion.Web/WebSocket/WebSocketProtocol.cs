using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// One WebSocket connection, after the opening handshake (RFC 6455): subclass it and override
/// <see cref="OnOpen"/>, <see cref="OnTextMessage"/>, <see cref="OnBinaryMessage"/> and
/// <see cref="OnClose"/>; send with <see cref="SendText"/>, <see cref="SendBinary"/>, <see cref="Ping()"/>
/// and <see cref="Close"/>. It does not care who did the handshake: <see cref="WebSocketServerFactory"/>,
/// <see cref="WebSocketClient"/> or an HTTP server's upgrade all call <see cref="Initialize"/> and then
/// connect it to the transport, handing on any bytes that followed the handshake.
/// <para>
/// Pings are answered automatically. A protocol violation by the peer sends the matching close code
/// (1002, 1007, 1009) and closes TCP. Back-pressure works both ways: the protocol is an
/// <see cref="IPushProducer"/> (pausing it stops reading the socket, mid-buffer if need be) and an
/// <see cref="IConsumer"/> (a producer registered on it is paused when the socket's write buffer fills).
/// Everything runs on the reactor thread.
/// </para>
/// </summary>
public abstract class WebSocketProtocol : Protocol, IWebSocketFrameHandler, IPushProducer, IConsumer
{
    private const int SmallFrame = 1024;
    private const int CompressionThreshold = 64;

    private static readonly Logger Log = Logger.For<WebSocketProtocol>();

    private readonly List<(byte[] Payload, Deferred<Unit> Done)> _pings = [];
    private WebSocketFrameParser? _parser;
    private IReactorTime? _clock;
    private WebSocketOptions _options = new();
    private WebSocketState _state = WebSocketState.Connecting;
    private byte[] _message = [];
    private int _messageLength;
    private WebSocketOpcode _messageOpcode;
    private byte[] _pending = [];
    private int _pendingLength;
    private bool _paused;
    private bool _closeSent;
    private bool _closeReceived;
    private int _peerCode = WebSocketCloseCodes.Abnormal;
    private string _peerReason = "";
    private int? _failCode;
    private string _failReason = "";
    private IDelayedCall? _closeTimer;
    private long _pingCounter;
    private byte[]? _maskBytes;
    private int _maskAt;
    private bool _deflate;
    private bool _inflating;

    /// <summary>Which end of the connection this is.</summary>
    public WebSocketRole Role { get; private set; }

    /// <summary>The subprotocol agreed in the handshake, or null.</summary>
    public string? Subprotocol { get; private set; }

    /// <summary>The request target of the handshake (path and query), or null when not known.</summary>
    public string? Path { get; private set; }

    /// <summary>The handshake's headers: the request's on a server, the response's on a client.</summary>
    public Headers HandshakeHeaders { get; private set; } = new();

    /// <summary>Whether messages may be compressed (permessage-deflate was agreed in the handshake).</summary>
    public bool PerMessageDeflate => _deflate;

    /// <summary>The options in force.</summary>
    public WebSocketOptions Options => _options;

    /// <summary>Where the connection is in its life.</summary>
    public WebSocketState State => _state;

    /// <summary>
    /// Prepares the protocol for a connection whose opening handshake is done. Call it once, before
    /// the protocol is connected to its transport (<see cref="IProtocol.MakeConnection"/>).
    /// </summary>
    /// <param name="role">Which end this is.</param>
    /// <param name="clock">The reactor's clock, for the close timeout.</param>
    /// <param name="options">Limits and timeouts; null for the defaults.</param>
    /// <param name="subprotocol">The agreed subprotocol, or null.</param>
    /// <param name="path">The handshake's request target, or null.</param>
    /// <param name="handshakeHeaders">The request's headers (server) or the response's (client), or null.</param>
    /// <param name="perMessageDeflate">Whether the handshake agreed on permessage-deflate (<see cref="WebSocketHandshakeResult.PerMessageDeflate"/>).</param>
    /// <exception cref="InvalidOperationException">It was initialized or connected already.</exception>
    public void Initialize(WebSocketRole role, IReactorTime clock, WebSocketOptions? options = null, string? subprotocol = null, string? path = null, Headers? handshakeHeaders = null, bool perMessageDeflate = false)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (_parser is not null || Connected)
        {
            throw new InvalidOperationException("A WebSocketProtocol is initialized once, before it is connected.");
        }
        Role = role;
        _clock = clock;
        _options = options ?? new WebSocketOptions();
        Subprotocol = subprotocol;
        Path = path;
        HandshakeHeaders = handshakeHeaders ?? new Headers();
        _deflate = perMessageDeflate;
        _parser = new WebSocketFrameParser(this, role, _options.MaxMessageSize, perMessageDeflate);
    }

    /// <summary>Called when the connection is open and messages may be sent.</summary>
    protected virtual void OnOpen() { }

    /// <summary>A whole text message arrived (valid UTF-8, reassembled from its fragments).</summary>
    /// <param name="text">The message.</param>
    protected virtual void OnTextMessage(string text) { }

    /// <summary>A whole binary message arrived. The span is valid only during the call: copy what must be kept.</summary>
    /// <param name="data">The message.</param>
    protected virtual void OnBinaryMessage(ReadOnlySpan<byte> data) { }

    /// <summary>
    /// Called once when the connection is gone. <paramref name="code"/> is the peer's close code (1005
    /// when its close frame had none), the code this end failed the connection with (1002, 1007, 1009…,
    /// with <paramref name="wasClean"/> false), or 1006 when the connection ended without a close frame.
    /// <paramref name="wasClean"/> is true when close frames went both ways before TCP closed.
    /// </summary>
    /// <param name="code">The close code.</param>
    /// <param name="reason">The close reason.</param>
    /// <param name="wasClean">Whether the close handshake completed.</param>
    protected virtual void OnClose(int code, string reason, bool wasClean) { }

    /// <summary>
    /// When true, messages are not gathered: <see cref="OnMessageBegin"/>, <see cref="OnMessagePart"/>
    /// and <see cref="OnMessageComplete"/> are called as the data arrives instead of
    /// <see cref="OnTextMessage"/> and <see cref="OnBinaryMessage"/> (for large messages; the size limit
    /// still applies). Default false.
    /// </summary>
    protected virtual bool StreamMessages => false;

    /// <summary>With <see cref="StreamMessages"/>: a message starts.</summary>
    /// <param name="opcode"><see cref="WebSocketOpcode.Text"/> or <see cref="WebSocketOpcode.Binary"/>.</param>
    protected virtual void OnMessageBegin(WebSocketOpcode opcode) { }

    /// <summary>With <see cref="StreamMessages"/>: a piece of the current message (for text, a valid UTF-8 prefix so far, possibly ending inside a character).</summary>
    /// <param name="data">The bytes; valid only during the call.</param>
    protected virtual void OnMessagePart(ReadOnlySpan<byte> data) { }

    /// <summary>With <see cref="StreamMessages"/>: the current message is complete.</summary>
    protected virtual void OnMessageComplete() { }

    /// <summary>Sends a text message. Returns false (sending nothing) once the close handshake has begun.</summary>
    /// <param name="text">The message.</param>
    /// <exception cref="InvalidOperationException">The connection is not open yet.</exception>
    public bool SendText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!CanSend())
        {
            return false;
        }
        var length = Encoding.UTF8.GetByteCount(text);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var n = Encoding.UTF8.GetBytes(text, buffer);
            SendMessage(WebSocketOpcode.Text, buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return true;
    }

    /// <summary>Sends a binary message. Returns false (sending nothing) once the close handshake has begun.</summary>
    /// <param name="data">The message; it may be reused as soon as the call returns.</param>
    /// <exception cref="InvalidOperationException">The connection is not open yet.</exception>
    public bool SendBinary(ReadOnlySpan<byte> data)
    {
        if (!CanSend())
        {
            return false;
        }
        SendMessage(WebSocketOpcode.Binary, data);
        return true;
    }

    /// <summary>Sends a ping with a fresh 8-byte payload; see <see cref="Ping(ReadOnlySpan{byte})"/>.</summary>
    public Deferred<Unit> Ping()
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(payload, ++_pingCounter);
        return Ping(payload);
    }

    /// <summary>
    /// Sends a ping. The Deferred fires when a pong with the same payload arrives (a pong answering a
    /// later ping also answers the earlier ones, since a peer may answer only the latest), and fails
    /// with <see cref="WebSocketClosedException"/> if the connection closes first.
    /// </summary>
    /// <param name="payload">At most 125 bytes.</param>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    /// <exception cref="InvalidOperationException">The connection is not open yet.</exception>
    public Deferred<Unit> Ping(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentException("A ping's payload is at most 125 bytes.", nameof(payload));
        }
        var done = new Deferred<Unit>();
        if (!CanSend())
        {
            done.Errback(new WebSocketClosedException("The WebSocket connection is closing; no ping was sent."));
            return done;
        }
        _pings.Add((payload.ToArray(), done));
        WriteFrame(WebSocketOpcode.Ping, true, payload);
        return done;
    }

    /// <summary>
    /// Starts the close handshake: sends a close frame with <paramref name="code"/> and
    /// <paramref name="reason"/> and waits for the peer's; the server then closes TCP, the client waits
    /// for the server to. After <see cref="WebSocketOptions.CloseTimeout"/> the connection is aborted.
    /// Calling it again, or after the peer started closing, does nothing.
    /// </summary>
    /// <param name="code">A code valid on the wire (<see cref="WebSocketCloseCodes.IsValidOnWire"/>): 1005, 1006 and 1015 are never sent.</param>
    /// <param name="reason">A reason of at most 123 UTF-8 bytes.</param>
    /// <exception cref="ArgumentException">The code may not be sent or the reason is too long.</exception>
    /// <exception cref="InvalidOperationException">The connection is not open yet.</exception>
    public void Close(int code = WebSocketCloseCodes.Normal, string reason = "")
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!WebSocketCloseCodes.IsValidOnWire(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "This close code may not be sent.");
        }
        var bytes = Encoding.UTF8.GetBytes(reason);
        if (bytes.Length > 123)
        {
            throw new ArgumentException("A close reason is at most 123 UTF-8 bytes.", nameof(reason));
        }
        if (_state == WebSocketState.Connecting)
        {
            throw new InvalidOperationException("The WebSocket connection is not open yet.");
        }
        if (_closeSent || _state == WebSocketState.Closed)
        {
            return;
        }
        SendClose(code, bytes);
        StartCloseTimer();
    }

    /// <summary>Closes the TCP connection at once, without a close handshake.</summary>
    public void Abort()
    {
        if (_state == WebSocketState.Closed || !Connected)
        {
            return;
        }
        if (Transport is ITcpTransport tcp)
        {
            tcp.AbortConnection();
        }
        else
        {
            Transport.LoseConnection();
        }
    }

    /// <summary>Stops reading from the peer: no message is delivered until <see cref="ResumeProducing"/>.</summary>
    public void PauseProducing()
    {
        if (_paused)
        {
            return;
        }
        _paused = true;
        if (Connected && Transport is IPushProducer producer)
        {
            producer.PauseProducing();
        }
    }

    /// <summary>Resumes reading: delivers what arrived meanwhile, then reads the socket again.</summary>
    public void ResumeProducing()
    {
        if (!_paused)
        {
            return;
        }
        _paused = false;
        DrainPending();
        if (!_paused && Connected && _state != WebSocketState.Closed && Transport is IPushProducer producer)
        {
            producer.ResumeProducing();
        }
    }

    /// <summary>The consumer of this protocol's messages is gone: the connection is aborted.</summary>
    public void StopProducing() => Abort();

    /// <summary>
    /// Registers a producer of outgoing messages with the transport, which pauses it while the socket's
    /// write buffer is above its high-water mark (see <see cref="IConsumer.RegisterProducer"/>).
    /// </summary>
    /// <param name="producer">The producer.</param>
    /// <param name="streaming">True for an <see cref="IPushProducer"/>.</param>
    /// <exception cref="NotSupportedException">The transport takes no producers.</exception>
    public void RegisterProducer(IProducer producer, bool streaming) => TransportConsumer().RegisterProducer(producer, streaming);

    /// <summary>Unregisters the producer registered with <see cref="RegisterProducer"/>.</summary>
    public void UnregisterProducer() => TransportConsumer().UnregisterProducer();

    /// <inheritdoc />
    public sealed override void ConnectionMade()
    {
        if (_parser is null)
        {
            throw new InvalidOperationException("WebSocketProtocol.Initialize must be called before the protocol is connected.");
        }
        _state = WebSocketState.Open;
        OnOpen();
    }

    /// <inheritdoc />
    public sealed override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_parser is null || Stopped)
        {
            return;
        }
        if (_pendingLength > 0 || _paused)
        {
            AppendPending(data);
            if (!_paused)
            {
                DrainPending();
            }
            return;
        }
        var used = Feed(data, out var status);
        if (status == WebSocketParseStatus.Paused && !Stopped)
        {
            AppendPending(data[used..]);
        }
    }

    /// <inheritdoc />
    public sealed override void ConnectionLost(Failure reason)
    {
        if (_state == WebSocketState.Closed)
        {
            return;
        }
        _state = WebSocketState.Closed;
        if (_closeTimer is { Active: true })
        {
            _closeTimer.Cancel();
        }
        _closeTimer = null;
        ReleaseMessage();
        _pending = [];
        _pendingLength = 0;
        var pings = _pings.ToArray();
        _pings.Clear();
        foreach (var (_, done) in pings)
        {
            done.Errback(new WebSocketClosedException("The WebSocket connection closed before the pong arrived."));
        }
        int code;
        string why;
        bool clean;
        if (_failCode is { } failed)
        {
            (code, why, clean) = (failed, _failReason, false);
        }
        else if (_closeReceived)
        {
            (code, why, clean) = (_peerCode, _peerReason, _closeSent);
        }
        else
        {
            (code, why, clean) = (WebSocketCloseCodes.Abnormal, "The connection ended without a close frame.", false);
        }
        OnClose(code, why, clean);
    }

    bool IWebSocketFrameHandler.OnMessageStart(WebSocketOpcode opcode)
    {
        _messageOpcode = opcode;
        _messageLength = 0;
        _inflating = _parser!.IsMessageCompressed;
        if (Delivering && StreamMessages && !_inflating)
        {
            OnMessageBegin(opcode);
        }
        return Continue;
    }

    bool IWebSocketFrameHandler.OnMessageData(ReadOnlySpan<byte> data)
    {
        if (!Delivering)
        {
            return Continue;
        }
        if (StreamMessages && !_inflating)
        {
            OnMessagePart(data);
            return Continue;
        }
        if ((long)_messageLength + data.Length > Array.MaxLength)
        {
            // MaxMessageSize may be set beyond what one array can gather.
            Fail(WebSocketCloseCodes.MessageTooBig, "A message is too big to gather in memory.");
            return false;
        }
        var needed = _messageLength + data.Length;
        if (needed > _message.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(256, _message.Length * 2)));
            _message.AsSpan(0, _messageLength).CopyTo(bigger);
            ReleaseMessage();
            _message = bigger;
        }
        data.CopyTo(_message.AsSpan(_messageLength));
        _messageLength = needed;
        return Continue;
    }

    bool IWebSocketFrameHandler.OnMessageEnd()
    {
        if (_inflating)
        {
            _inflating = false;
            if (Delivering)
            {
                DeliverCompressed();
            }
        }
        else if (Delivering)
        {
            if (StreamMessages)
            {
                OnMessageComplete();
            }
            else if (_messageOpcode == WebSocketOpcode.Text)
            {
                OnTextMessage(Encoding.UTF8.GetString(_message, 0, _messageLength));
            }
            else
            {
                OnBinaryMessage(_message.AsSpan(0, _messageLength));
            }
        }
        _messageLength = 0;
        ReleaseMessage();
        return Continue;
    }

    bool IWebSocketFrameHandler.OnPing(ReadOnlySpan<byte> payload)
    {
        if (!_closeSent && _state == WebSocketState.Open)
        {
            WriteFrame(WebSocketOpcode.Pong, true, payload);
        }
        return Continue;
    }

    bool IWebSocketFrameHandler.OnPong(ReadOnlySpan<byte> payload)
    {
        var at = -1;
        for (var i = 0; i < _pings.Count; i++)
        {
            if (payload.SequenceEqual(_pings[i].Payload))
            {
                at = i;
                break;
            }
        }
        if (at >= 0)
        {
            var answered = _pings.GetRange(0, at + 1);
            _pings.RemoveRange(0, at + 1);
            foreach (var (_, done) in answered)
            {
                done.Callback(Unit.Value);
            }
        }
        return Continue;
    }

    bool IWebSocketFrameHandler.OnClose(int code, ReadOnlySpan<byte> reason)
    {
        _closeReceived = true;
        _peerCode = code;
        _peerReason = Encoding.UTF8.GetString(reason);
        if (!_closeSent)
        {
            // Echo the peer's code (RFC 6455 §5.5.1); an empty close is answered with an empty close.
            SendClose(code, []);
        }
        if (Role == WebSocketRole.Server)
        {
            // The server closes TCP first, so that it, not the client, holds TIME_WAIT (RFC 6455 §7.1.1).
            Transport.LoseConnection();
        }
        StartCloseTimer();
        return false;
    }

    private void DeliverCompressed()
    {
        var code = Torsion.Web.WebSocket.PerMessageDeflate.Inflate(_message.AsSpan(0, _messageLength), _options.MaxMessageSize, out var output, out var length);
        try
        {
            if (code != 0)
            {
                Fail(code, code == WebSocketCloseCodes.MessageTooBig
                    ? $"A compressed message inflates beyond the limit of {_options.MaxMessageSize} bytes."
                    : "A compressed message is not valid DEFLATE data.");
                return;
            }
            var data = output.AsSpan(0, length);
            if (_messageOpcode == WebSocketOpcode.Text && !System.Text.Unicode.Utf8.IsValid(data))
            {
                Fail(WebSocketCloseCodes.InvalidPayload, "A text message is not valid UTF-8.");
                return;
            }
            if (StreamMessages)
            {
                OnMessageBegin(_messageOpcode);
                OnMessagePart(data);
                OnMessageComplete();
            }
            else if (_messageOpcode == WebSocketOpcode.Text)
            {
                OnTextMessage(Encoding.UTF8.GetString(data));
            }
            else
            {
                OnBinaryMessage(data);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private bool Stopped => _state == WebSocketState.Closed || _failCode.HasValue || _closeReceived;

    private bool Continue => !_paused && !Stopped;

    // Messages that arrive after this end sent its close frame are read (to find the peer's close) but not delivered.
    private bool Delivering => _state == WebSocketState.Open && !_closeSent && !_failCode.HasValue;

    private bool CanSend()
    {
        if (_state == WebSocketState.Connecting)
        {
            throw new InvalidOperationException("The WebSocket connection is not open yet.");
        }
        return _state == WebSocketState.Open && !_closeSent;
    }

    private IConsumer TransportConsumer() =>
        Transport as IConsumer ?? throw new NotSupportedException($"The transport {Transport.GetType().Name} takes no producers.");

    private int Feed(ReadOnlySpan<byte> data, out WebSocketParseStatus status)
    {
        status = _parser!.Parse(data, out var consumed);
        if (status == WebSocketParseStatus.Error)
        {
            Fail(_parser.ErrorCode, _parser.ErrorReason ?? "A protocol error.");
            return data.Length;
        }
        return consumed;
    }

    private void AppendPending(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        var needed = _pendingLength + data.Length;
        if (needed > _pending.Length)
        {
            var bigger = new byte[Math.Max(needed, _pending.Length * 2)];
            _pending.AsSpan(0, _pendingLength).CopyTo(bigger);
            _pending = bigger;
        }
        data.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength = needed;
    }

    private void DrainPending()
    {
        // Bounded: each round either uses input, or ends (paused, stopped, or all used).
        while (!_paused && !Stopped)
        {
            var used = Feed(_pending.AsSpan(0, _pendingLength), out var status);
            if (status != WebSocketParseStatus.Paused || Stopped)
            {
                _pendingLength = 0;
                break;
            }
            _pending.AsSpan(used, _pendingLength - used).CopyTo(_pending);
            _pendingLength -= used;
        }
        if (Stopped)
        {
            _pendingLength = 0;
        }
        if (_pendingLength == 0)
        {
            _pending = []; // only a paused connection holds read-ahead
        }
    }

    // The gathering buffer goes back to the pool after each message, so an idle connection holds none.
    private void ReleaseMessage()
    {
        if (_message.Length == 0)
        {
            return;
        }
        ArrayPool<byte>.Shared.Return(_message);
        _message = [];
    }

    private void Fail(int code, string reason)
    {
        if (_failCode.HasValue || _state == WebSocketState.Closed)
        {
            return;
        }
        Log.Info("WebSocket peer {peer} broke the protocol ({code}): {reason}", ("peer", Transport.GetPeer()), ("code", code), ("reason", reason));
        _failCode = code;
        _failReason = reason;
        if (!_closeSent)
        {
            var bytes = Encoding.UTF8.GetBytes(reason);
            SendClose(code, bytes.Length <= 123 ? bytes : []);
        }
        Transport.LoseConnection();
        StartCloseTimer();
    }

    private void SendClose(int code, ReadOnlySpan<byte> reason)
    {
        _closeSent = true;
        _state = WebSocketState.Closing;
        if (code == WebSocketCloseCodes.NoStatusReceived)
        {
            WriteFrame(WebSocketOpcode.Close, true, []);
            return;
        }
        Span<byte> payload = stackalloc byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        reason.CopyTo(payload[2..]);
        WriteFrame(WebSocketOpcode.Close, true, payload);
    }

    private void StartCloseTimer()
    {
        if (_closeTimer is not null || _clock is null || _state == WebSocketState.Closed)
        {
            return;
        }
        _closeTimer = _clock.CallLater(_options.CloseTimeout, () =>
        {
            _closeTimer = null;
            Abort();
        });
    }

    private void SendMessage(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var compressed = false;
        if (_deflate && payload.Length >= CompressionThreshold)
        {
            var deflated = Torsion.Web.WebSocket.PerMessageDeflate.Compress(payload, out var length);
            payload = deflated.AsSpan(0, length);
            compressed = true;
        }
        var max = _options.MaxOutgoingFrameSize;
        if (max == 0 || payload.Length <= max)
        {
            WriteFrame(opcode, true, payload, compressed);
            return;
        }
        var first = true;
        while (!payload.IsEmpty)
        {
            var n = Math.Min(max, payload.Length);
            WriteFrame(first ? opcode : WebSocketOpcode.Continuation, n == payload.Length, payload[..n], compressed && first);
            payload = payload[n..];
            first = false;
        }
    }

    private void WriteFrame(WebSocketOpcode opcode, bool fin, ReadOnlySpan<byte> payload, bool compressed = false)
    {
        var masked = Role == WebSocketRole.Client;
        uint? key = masked ? NextMaskKey() : null;
        var headerSize = WebSocketFrameWriter.GetHeaderSize(payload.Length, masked);
        var total = headerSize + payload.Length;
        if (total <= SmallFrame)
        {
            // One write for small frames: header and payload in one segment.
            Span<byte> frame = stackalloc byte[SmallFrame];
            WebSocketFrameWriter.WriteHeader(frame, opcode, fin, payload.Length, key, compressed);
            CopyPayload(payload, frame[headerSize..], key);
            Transport.Write(frame[..total]);
            return;
        }
        if (!masked)
        {
            Span<byte> header = stackalloc byte[WebSocketFrameWriter.MaxHeaderSize];
            WebSocketFrameWriter.WriteHeader(header, opcode, fin, payload.Length, null, compressed);
            Transport.Write(header[..headerSize]);
            Transport.Write(payload);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            WebSocketFrameWriter.WriteHeader(rented, opcode, fin, payload.Length, key, compressed);
            CopyPayload(payload, rented.AsSpan(headerSize), key);
            Transport.Write(rented.AsSpan(0, total));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void CopyPayload(ReadOnlySpan<byte> payload, Span<byte> destination, uint? key)
    {
        if (key is { } k)
        {
            WebSocketMasking.Apply(payload, destination, k, 0);
        }
        else
        {
            payload.CopyTo(destination);
        }
    }

    private uint NextMaskKey()
    {
        // Keys must be unpredictable (RFC 6455 §5.3); draw them from the CSPRNG 64 at a time.
        if (_maskBytes is null || _maskAt == _maskBytes.Length)
        {
            _maskBytes ??= new byte[256];
            RandomNumberGenerator.Fill(_maskBytes);
            _maskAt = 0;
        }
        var key = BinaryPrimitives.ReadUInt32LittleEndian(_maskBytes.AsSpan(_maskAt));
        _maskAt += 4;
        return key;
    }
}

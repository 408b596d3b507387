using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;

namespace Torsion.Web.WebSocket;

/// <summary>
/// A strict, incremental RFC 6455 frame parser for one connection. Feed it each chunk with
/// <see cref="Parse"/>; it calls an <see cref="IWebSocketFrameHandler"/> with whole control frames and
/// with messages as start, unmasked data and end, whatever the fragmentation. Any split of the input
/// gives the same events and the same verdict. A violation is a result, not an exception:
/// <see cref="WebSocketParseStatus.Error"/> with the close code to fail the connection with (1002 for
/// framing, 1007 for invalid UTF-8, 1009 for a message over the limit), checked as early as the bytes
/// allow: a frame header is judged before its payload is read, and text as each piece arrives.
/// Memory is bounded: a 14-byte header buffer, 125 bytes for control payloads and, on the server, a
/// 16 KiB unmasking buffer borrowed from the shared pool for the length of a call; message payload is
/// handed on, never gathered here.
/// </summary>
public sealed class WebSocketFrameParser
{
    private const int MaxHeaderSize = 14;
    private const int MaxControlPayload = 125;
    private const int ScratchSize = 16 * 1024;

    private enum State
    {
        Header,
        Payload,
        Control,
        EndMessage,
        Closed,
        Error,
    }

    private readonly IWebSocketFrameHandler _handler;
    private readonly WebSocketRole _role;
    private readonly long _maxMessageSize;
    private readonly bool _allowCompression;
    private readonly byte[] _header = new byte[MaxHeaderSize];
    private readonly byte[] _control = new byte[MaxControlPayload];
    private byte[]? _scratch;
    private State _state;
    private int _headerLength;
    private int _headerNeed;

    private WebSocketOpcode _opcode;
    private bool _fin;
    private bool _rsv1;
    private bool _masked;
    private uint _key;
    private long _payloadLength;
    private long _payloadOffset;

    private bool _inMessage;
    private bool _text;
    private bool _compressed;
    private long _messageSize;
    private Utf8Validator _utf8;

    /// <summary>Creates a parser for the <paramref name="role"/> end of a connection.</summary>
    /// <param name="handler">Receives the events.</param>
    /// <param name="role">Which end this is: a server requires masked frames, a client refuses them.</param>
    /// <param name="maxMessageSize">The largest message payload accepted, summed over its fragments (1009 beyond).</param>
    /// <param name="allowCompression">
    /// True when permessage-deflate (RFC 7692) was negotiated: RSV1 may then be set on the first frame of
    /// a data message, which marks the message compressed (<see cref="IsMessageCompressed"/>); its text is
    /// then not UTF-8-checked here, since the wire bytes are not the text.
    /// </param>
    public WebSocketFrameParser(IWebSocketFrameHandler handler, WebSocketRole role, long maxMessageSize, bool allowCompression = false)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        _handler = handler;
        _role = role;
        _maxMessageSize = maxMessageSize;
        _allowCompression = allowCompression;
    }

    /// <summary>After <see cref="WebSocketParseStatus.Error"/>: the close code to send (1002, 1007 or 1009).</summary>
    public int ErrorCode { get; private set; }

    /// <summary>After <see cref="WebSocketParseStatus.Error"/>: what was wrong, for logs and the close reason.</summary>
    public string? ErrorReason { get; private set; }

    /// <summary>True between a message's first frame and its final one.</summary>
    public bool IsInMessage => _inMessage;

    /// <summary>From <see cref="IWebSocketFrameHandler.OnMessageStart"/> to the message's end: whether it is compressed (RSV1 on its first frame).</summary>
    public bool IsMessageCompressed => _compressed;

    /// <summary>True once a close frame was parsed; later input is ignored.</summary>
    public bool IsClosed => _state == State.Closed;

    /// <summary>
    /// Parses <paramref name="data"/>. Returns <see cref="WebSocketParseStatus.NeedMoreData"/> when all of
    /// it was used; <see cref="WebSocketParseStatus.Paused"/> when a handler returned false, with
    /// <paramref name="consumed"/> saying how much was used (feed the rest later; an empty span delivers
    /// events already due, such as the end of a message); <see cref="WebSocketParseStatus.Error"/> on a violation.
    /// </summary>
    /// <param name="data">The next bytes from the peer.</param>
    /// <param name="consumed">How many bytes were used.</param>
    public WebSocketParseStatus Parse(ReadOnlySpan<byte> data, out int consumed)
    {
        try
        {
            return ParseCore(data, out consumed);
        }
        finally
        {
            // The unmasking buffer is only lent out during a call, so an idle connection holds none.
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = null;
            }
        }
    }

    private WebSocketParseStatus ParseCore(ReadOnlySpan<byte> data, out int consumed)
    {
        var pos = 0;
        while (true)
        {
            switch (_state)
            {
                case State.Header:
                    {
                        if (pos == data.Length)
                        {
                            consumed = pos;
                            return WebSocketParseStatus.NeedMoreData;
                        }
                        var status = ReadHeader(data, ref pos, out var go);
                        if (status != WebSocketParseStatus.NeedMoreData || !go)
                        {
                            consumed = pos;
                            return status == WebSocketParseStatus.Error ? status : WebSocketParseStatus.Paused;
                        }
                        if (_state == State.Header)
                        {
                            consumed = pos; // the header is still incomplete and all input is used
                            return WebSocketParseStatus.NeedMoreData;
                        }
                        break;
                    }
                case State.Payload:
                    {
                        if (_payloadOffset == _payloadLength)
                        {
                            EndFrame(); // an empty frame
                            break;
                        }
                        if (pos == data.Length)
                        {
                            consumed = pos;
                            return WebSocketParseStatus.NeedMoreData;
                        }
                        var take = (int)Math.Min(_payloadLength - _payloadOffset, data.Length - pos);
                        ReadOnlySpan<byte> piece;
                        if (_masked)
                        {
                            take = Math.Min(take, ScratchSize);
                            _scratch ??= ArrayPool<byte>.Shared.Rent(ScratchSize);
                            WebSocketMasking.Apply(data.Slice(pos, take), _scratch, _key, _payloadOffset);
                            piece = _scratch.AsSpan(0, take);
                        }
                        else
                        {
                            piece = data.Slice(pos, take);
                        }
                        if (_text && !_utf8.Feed(piece))
                        {
                            consumed = pos;
                            return Fail(WebSocketCloseCodes.InvalidPayload, "A text message is not valid UTF-8.");
                        }
                        pos += take;
                        _payloadOffset += take;
                        var go = _handler.OnMessageData(piece);
                        if (_payloadOffset == _payloadLength)
                        {
                            EndFrame();
                        }
                        if (!go)
                        {
                            consumed = pos;
                            return WebSocketParseStatus.Paused;
                        }
                        break;
                    }
                case State.EndMessage:
                    {
                        if (_text && !_utf8.IsComplete)
                        {
                            consumed = pos;
                            return Fail(WebSocketCloseCodes.InvalidPayload, "A text message ends inside a UTF-8 sequence.");
                        }
                        _inMessage = false;
                        _state = State.Header;
                        if (!_handler.OnMessageEnd())
                        {
                            consumed = pos;
                            return WebSocketParseStatus.Paused;
                        }
                        break;
                    }
                case State.Control:
                    {
                        if (_payloadOffset < _payloadLength)
                        {
                            if (pos == data.Length)
                            {
                                consumed = pos;
                                return WebSocketParseStatus.NeedMoreData;
                            }
                            var take = (int)Math.Min(_payloadLength - _payloadOffset, data.Length - pos);
                            data.Slice(pos, take).CopyTo(_control.AsSpan((int)_payloadOffset));
                            pos += take;
                            _payloadOffset += take;
                            if (_payloadOffset < _payloadLength)
                            {
                                consumed = pos;
                                return WebSocketParseStatus.NeedMoreData;
                            }
                        }
                        var status = DispatchControl(out var go);
                        if (status == WebSocketParseStatus.Error || !go)
                        {
                            consumed = pos;
                            return status == WebSocketParseStatus.Error ? status : WebSocketParseStatus.Paused;
                        }
                        break;
                    }
                case State.Closed:
                    consumed = data.Length;
                    return WebSocketParseStatus.NeedMoreData;
                default:
                    consumed = pos;
                    return WebSocketParseStatus.Error;
            }
        }
    }

    private WebSocketParseStatus ReadHeader(ReadOnlySpan<byte> data, ref int pos, out bool go)
    {
        go = true;
        if (_headerLength < 2)
        {
            while (_headerLength < 2 && pos < data.Length)
            {
                _header[_headerLength++] = data[pos++];
            }
            if (_headerLength < 2)
            {
                return WebSocketParseStatus.NeedMoreData;
            }
            // Judge the first two bytes before waiting for the rest of the header.
            var check = CheckFirstBytes();
            if (check is not null)
            {
                return Fail(WebSocketCloseCodes.ProtocolError, check);
            }
        }
        while (_headerLength < _headerNeed && pos < data.Length)
        {
            _header[_headerLength++] = data[pos++];
        }
        if (_headerLength < _headerNeed)
        {
            return WebSocketParseStatus.NeedMoreData;
        }
        _headerLength = 0;
        var len7 = _header[1] & 0x7F;
        var at = 2;
        long length = len7;
        if (len7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
            at = 4;
            if (length < 126)
            {
                return Fail(WebSocketCloseCodes.ProtocolError, "A 16-bit payload length under 126 is not minimally encoded.");
            }
        }
        else if (len7 == 127)
        {
            var wide = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2));
            at = 10;
            if ((wide >> 63) != 0)
            {
                return Fail(WebSocketCloseCodes.ProtocolError, "A 64-bit payload length has its most significant bit set.");
            }
            if (wide <= ushort.MaxValue)
            {
                return Fail(WebSocketCloseCodes.ProtocolError, "A 64-bit payload length under 65536 is not minimally encoded.");
            }
            length = (long)wide;
        }
        _key = _masked ? BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(at)) : 0;
        _payloadLength = length;
        _payloadOffset = 0;
        if (_opcode >= WebSocketOpcode.Close)
        {
            _state = State.Control;
            return WebSocketParseStatus.NeedMoreData;
        }
        if (length > _maxMessageSize - (_opcode == WebSocketOpcode.Continuation ? _messageSize : 0))
        {
            return Fail(WebSocketCloseCodes.MessageTooBig, $"A message exceeds the limit of {_maxMessageSize} bytes.");
        }
        _state = State.Payload;
        if (_opcode == WebSocketOpcode.Continuation)
        {
            _messageSize += length;
            return WebSocketParseStatus.NeedMoreData;
        }
        _inMessage = true;
        _compressed = _rsv1;
        _text = _opcode == WebSocketOpcode.Text && !_compressed;
        _messageSize = length;
        _utf8.Reset();
        go = _handler.OnMessageStart(_opcode);
        return WebSocketParseStatus.NeedMoreData;
    }

    /// <summary>Checks FIN, RSV, opcode, control-frame and masking rules; returns why they fail, or null.</summary>
    private string? CheckFirstBytes()
    {
        var b0 = _header[0];
        var b1 = _header[1];
        _fin = (b0 & 0x80) != 0;
        _opcode = (WebSocketOpcode)(b0 & 0x0F);
        _masked = (b1 & 0x80) != 0;
        var len7 = b1 & 0x7F;
        _rsv1 = (b0 & 0x40) != 0;
        if ((b0 & 0x30) != 0 || (_rsv1 && !_allowCompression))
        {
            return "A reserved bit is set and no extension was negotiated.";
        }
        if (_rsv1 && _opcode is not (WebSocketOpcode.Text or WebSocketOpcode.Binary))
        {
            return "RSV1 (compression) is set on a frame other than a message's first.";
        }
        switch (_opcode)
        {
            case WebSocketOpcode.Continuation:
                if (!_inMessage)
                {
                    return "A continuation frame arrived with no message to continue.";
                }
                break;
            case WebSocketOpcode.Text:
            case WebSocketOpcode.Binary:
                if (_inMessage)
                {
                    return "A new data message started before the previous one ended.";
                }
                break;
            case WebSocketOpcode.Close:
            case WebSocketOpcode.Ping:
            case WebSocketOpcode.Pong:
                if (!_fin)
                {
                    return "A control frame is fragmented.";
                }
                if (len7 > MaxControlPayload)
                {
                    return "A control frame's payload is longer than 125 bytes.";
                }
                break;
            default:
                return $"Opcode 0x{(int)_opcode:X} is reserved.";
        }
        if (_role == WebSocketRole.Server && !_masked)
        {
            return "A client frame is not masked.";
        }
        if (_role == WebSocketRole.Client && _masked)
        {
            return "A server frame is masked.";
        }
        _headerNeed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (_masked ? 4 : 0);
        return null;
    }

    private void EndFrame() => _state = _fin ? State.EndMessage : State.Header;

    private WebSocketParseStatus DispatchControl(out bool go)
    {
        go = true;
        var payload = _control.AsSpan(0, (int)_payloadLength);
        if (_masked)
        {
            WebSocketMasking.ApplyInPlace(payload, _key, 0);
        }
        switch (_opcode)
        {
            case WebSocketOpcode.Ping:
                _state = State.Header;
                go = _handler.OnPing(payload);
                return WebSocketParseStatus.NeedMoreData;
            case WebSocketOpcode.Pong:
                _state = State.Header;
                go = _handler.OnPong(payload);
                return WebSocketParseStatus.NeedMoreData;
            default:
                if (payload.Length == 1)
                {
                    return Fail(WebSocketCloseCodes.ProtocolError, "A close frame has a one-byte payload.");
                }
                var code = WebSocketCloseCodes.NoStatusReceived;
                var reason = ReadOnlySpan<byte>.Empty;
                if (payload.Length >= 2)
                {
                    code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    if (!WebSocketCloseCodes.IsValidOnWire(code))
                    {
                        return Fail(WebSocketCloseCodes.ProtocolError, $"Close code {code} may not be sent.");
                    }
                    reason = payload[2..];
                    if (!Utf8.IsValid(reason))
                    {
                        return Fail(WebSocketCloseCodes.InvalidPayload, "A close reason is not valid UTF-8.");
                    }
                }
                _state = State.Closed;
                go = _handler.OnClose(code, reason);
                return WebSocketParseStatus.NeedMoreData;
        }
    }

    private WebSocketParseStatus Fail(int code, string reason)
    {
        _state = State.Error;
        ErrorCode = code;
        ErrorReason = reason;
        return WebSocketParseStatus.Error;
    }
}

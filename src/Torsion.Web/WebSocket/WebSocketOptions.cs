namespace Torsion.Web.WebSocket;

/// <summary>Limits and timeouts of WebSocket connections; the defaults suit most servers.</summary>
public sealed class WebSocketOptions
{
    /// <summary>The default <see cref="MaxMessageSize"/>: 16 MiB.</summary>
    public const long DefaultMaxMessageSize = 16 * 1024 * 1024;

    private long _maxMessageSize = DefaultMaxMessageSize;
    private double _closeTimeout = 10;
    private double _handshakeTimeout = 10;
    private int _maxOutgoingFrameSize;

    /// <summary>
    /// The largest message accepted, summed over its fragments; a bigger one fails the connection with
    /// 1009 as soon as a frame header announces it (before its payload is read).
    /// </summary>
    public long MaxMessageSize { get => _maxMessageSize; set => _maxMessageSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)); }

    /// <summary>
    /// Seconds to wait, after a close frame was sent, for the close handshake and the TCP close to
    /// finish before the connection is aborted. Default 10.
    /// </summary>
    public double CloseTimeout { get => _closeTimeout; set => _closeTimeout = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)); }

    /// <summary>Seconds a connection may take to complete the opening handshake. Default 10.</summary>
    public double HandshakeTimeout { get => _handshakeTimeout; set => _handshakeTimeout = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)); }

    /// <summary>
    /// When positive, outgoing messages longer than this are sent as several frames of at most this
    /// many payload bytes. 0 (the default): each message is one frame.
    /// </summary>
    public int MaxOutgoingFrameSize { get => _maxOutgoingFrameSize; set => _maxOutgoingFrameSize = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)); }

    /// <summary>
    /// Negotiate permessage-deflate (RFC 7692): a server accepts a client's offer, a client makes one.
    /// Each message is compressed on its own (no context takeover either way); messages under 64 bytes
    /// are sent uncompressed. Inflated messages are held to <see cref="MaxMessageSize"/>. Default false.
    /// </summary>
    public bool PerMessageDeflate { get; set; }
}

namespace Torsion.Web.WebSocket;

/// <summary>A WebSocket frame's opcode (RFC 6455 §5.2).</summary>
public enum WebSocketOpcode
{
    /// <summary>A continuation of a fragmented message.</summary>
    Continuation = 0x0,

    /// <summary>The first (or only) frame of a text message: UTF-8.</summary>
    Text = 0x1,

    /// <summary>The first (or only) frame of a binary message.</summary>
    Binary = 0x2,

    /// <summary>The close frame: an optional status code and UTF-8 reason.</summary>
    Close = 0x8,

    /// <summary>A ping, answered by a pong with the same payload.</summary>
    Ping = 0x9,

    /// <summary>A pong.</summary>
    Pong = 0xA,
}

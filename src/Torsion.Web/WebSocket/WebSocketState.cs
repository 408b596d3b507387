namespace Torsion.Web.WebSocket;

/// <summary>Where a <see cref="WebSocketProtocol"/> is in its life.</summary>
public enum WebSocketState
{
    /// <summary>Not connected yet.</summary>
    Connecting,

    /// <summary>Open: messages flow both ways.</summary>
    Open,

    /// <summary>A close frame was sent or received; no more messages are sent.</summary>
    Closing,

    /// <summary>The TCP connection is gone.</summary>
    Closed,
}

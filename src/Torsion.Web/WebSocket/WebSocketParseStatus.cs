namespace Torsion.Web.WebSocket;

/// <summary>What <see cref="WebSocketFrameParser.Parse"/> ended with.</summary>
public enum WebSocketParseStatus
{
    /// <summary>All the input was used; more is needed.</summary>
    NeedMoreData,

    /// <summary>A handler method returned false; the parser stopped right after that event.</summary>
    Paused,

    /// <summary>
    /// The input broke the protocol: <see cref="WebSocketFrameParser.ErrorCode"/> is the close code to
    /// fail the connection with. The parser stays stopped.
    /// </summary>
    Error,
}

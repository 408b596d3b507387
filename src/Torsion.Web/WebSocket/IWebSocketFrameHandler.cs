namespace Torsion.Web.WebSocket;

/// <summary>
/// Receives a <see cref="WebSocketFrameParser"/>'s events: messages as a start, unmasked data pieces
/// and an end (however they were fragmented into frames), and control frames whole. Spans are valid
/// only during the call. Returning false pauses the parser right after that event.
/// </summary>
public interface IWebSocketFrameHandler
{
    /// <summary>A data message starts.</summary>
    /// <param name="opcode"><see cref="WebSocketOpcode.Text"/> or <see cref="WebSocketOpcode.Binary"/>.</param>
    /// <returns>False to pause.</returns>
    bool OnMessageStart(WebSocketOpcode opcode);

    /// <summary>
    /// A piece of the message's payload, unmasked; for a text message, the bytes so far are known to be
    /// a valid UTF-8 prefix. Pieces split where the input and frames did.
    /// </summary>
    /// <param name="data">The data.</param>
    /// <returns>False to pause.</returns>
    bool OnMessageData(ReadOnlySpan<byte> data);

    /// <summary>The message ended (a frame with FIN); a text message is complete, valid UTF-8.</summary>
    /// <returns>False to pause.</returns>
    bool OnMessageEnd();

    /// <summary>A ping arrived (between or inside the fragments of a message).</summary>
    /// <param name="payload">Its payload, at most 125 bytes.</param>
    /// <returns>False to pause.</returns>
    bool OnPing(ReadOnlySpan<byte> payload);

    /// <summary>A pong arrived.</summary>
    /// <param name="payload">Its payload, at most 125 bytes.</param>
    /// <returns>False to pause.</returns>
    bool OnPong(ReadOnlySpan<byte> payload);

    /// <summary>
    /// A valid close frame arrived. After it the parser ignores everything (nothing may follow a close).
    /// </summary>
    /// <param name="code">The status code, or <see cref="WebSocketCloseCodes.NoStatusReceived"/> when the frame had none.</param>
    /// <param name="reason">The reason, valid UTF-8 (empty when none).</param>
    /// <returns>False to pause.</returns>
    bool OnClose(int code, ReadOnlySpan<byte> reason);
}

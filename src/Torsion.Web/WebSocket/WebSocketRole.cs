namespace Torsion.Web.WebSocket;

/// <summary>Which end of a WebSocket connection this is; it decides the masking rules (RFC 6455 §5.1).</summary>
public enum WebSocketRole
{
    /// <summary>The server: every frame received must be masked, frames sent are not.</summary>
    Server,

    /// <summary>The client: frames received must not be masked, frames sent are.</summary>
    Client,
}

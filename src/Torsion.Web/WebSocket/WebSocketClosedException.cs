namespace Torsion.Web.WebSocket;

/// <summary>The WebSocket connection closed before an awaited event (such as a ping's pong) happened.</summary>
public sealed class WebSocketClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebSocketClosedException() : base("The WebSocket connection closed.") { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public WebSocketClosedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public WebSocketClosedException(string message, Exception innerException) : base(message, innerException) { }
}

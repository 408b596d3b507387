namespace Torsion.Web.WebSocket;

/// <summary>The opening handshake failed: the server refused the upgrade or answered wrongly, or the connection ended first.</summary>
public sealed class WebSocketHandshakeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebSocketHandshakeException() : base("The WebSocket handshake failed.") { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was wrong.</param>
    public WebSocketHandshakeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public WebSocketHandshakeException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for an HTTP answer other than 101.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="statusCode">The HTTP status the server answered with (0 when none was read).</param>
    public WebSocketHandshakeException(string message, int statusCode) : base(message) => StatusCode = statusCode;

    /// <summary>The HTTP status the server answered with, or 0.</summary>
    public int StatusCode { get; }
}

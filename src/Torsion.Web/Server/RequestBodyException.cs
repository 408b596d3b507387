namespace Torsion.Web.Server;

/// <summary>
/// A streamed request body could not be read to its end: the client broke the framing rules or a limit
/// (<see cref="StatusCode"/> says which: 400, 408, 413...). The server has answered the client and
/// closes the connection.
/// </summary>
public sealed class RequestBodyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RequestBodyException() : this(400, "bad request body") { }

    /// <summary>Creates the exception with a message.</summary>
    public RequestBodyException(string message) : this(400, message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RequestBodyException(string message, Exception inner) : base(message, inner) => StatusCode = 400;

    /// <summary>Creates the exception for <paramref name="statusCode"/>.</summary>
    public RequestBodyException(int statusCode, string message) : base(message) => StatusCode = statusCode;

    /// <summary>The status answered to the client.</summary>
    public int StatusCode { get; }
}

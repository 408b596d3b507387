namespace Torsion.Web.Client;

/// <summary>The request or its response failed (Twisted's <c>ResponseFailed</c>/<c>ResponseNeverReceived</c>): the connection was lost before the response or its body was complete, or the response broke HTTP's rules. <see cref="Exception.InnerException"/> holds the cause.</summary>
public sealed class ResponseFailedException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ResponseFailedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    public ResponseFailedException(string message, Exception? inner) : base(message, inner) { }
}

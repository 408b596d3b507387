namespace Torsion.Web.Client;

/// <summary>The whole request (connect, response and body) took longer than <see cref="AgentOptions.Timeout"/>.</summary>
public sealed class RequestTimeoutException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public RequestTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    public RequestTimeoutException(string message, Exception? inner) : base(message, inner) { }
}

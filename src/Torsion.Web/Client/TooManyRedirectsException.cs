namespace Torsion.Web.Client;

/// <summary>A redirect chain was longer than <see cref="AgentOptions.MaxRedirects"/> (Twisted's <c>InfiniteRedirection</c>).</summary>
public sealed class TooManyRedirectsException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TooManyRedirectsException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    public TooManyRedirectsException(string message, Exception? inner) : base(message, inner) { }
}

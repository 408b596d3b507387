namespace Torsion.Web.Client;

/// <summary>
/// An HTTP error status (400 or above) from <see cref="WebClient.GetPage"/> (Twisted's <c>twisted.web.error.Error</c>):
/// the status, the reason phrase and the body the server sent with it.
/// </summary>
public sealed class HttpErrorException : Exception
{
    /// <summary>Creates the exception for a response.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="phrase">The reason phrase.</param>
    /// <param name="uri">The address that answered it (after redirects).</param>
    /// <param name="body">The response body.</param>
    public HttpErrorException(int status, string phrase, Uri uri, byte[] body)
        : base($"{status} {phrase} ({uri})")
    {
        Status = status;
        Phrase = phrase;
        Uri = uri;
        Body = body;
    }

    /// <summary>The status code.</summary>
    public int Status { get; }

    /// <summary>The reason phrase, as sent.</summary>
    public string Phrase { get; }

    /// <summary>The address that answered (after redirects).</summary>
    public Uri Uri { get; }

    /// <summary>The response body (often an error page).</summary>
    public IReadOnlyList<byte> Body { get; }
}

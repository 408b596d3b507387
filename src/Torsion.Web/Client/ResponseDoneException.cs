namespace Torsion.Web.Client;

/// <summary>The reason a body protocol's ConnectionLost gets when the whole body arrived (Twisted's <c>ResponseDone</c>): success, not an error.</summary>
public sealed class ResponseDoneException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ResponseDoneException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    public ResponseDoneException(string message, Exception? inner) : base(message, inner) { }
}

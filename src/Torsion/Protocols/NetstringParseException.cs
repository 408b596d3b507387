namespace Torsion.Protocols;

/// <summary>The data received is not a valid netstring (Twisted's <c>NetstringParseError</c>).</summary>
public sealed class NetstringParseException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public NetstringParseException() : base("The received data is not a valid netstring.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public NetstringParseException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public NetstringParseException(string message, Exception innerException) : base(message, innerException) { }
}

namespace Torsion.Protocols;

/// <summary>
/// A string is too long for the length prefix of the protocol sending it (Twisted's
/// <c>StringTooLongError</c>): an <see cref="Int8StringReceiver"/> cannot send 256 bytes.
/// </summary>
public sealed class StringTooLongException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public StringTooLongException() : base("The string is too long for its length prefix.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public StringTooLongException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public StringTooLongException(string message, Exception innerException) : base(message, innerException) { }
}

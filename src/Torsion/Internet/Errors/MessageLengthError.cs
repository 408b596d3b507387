namespace Torsion.Internet;

/// <summary>A datagram was too long to send (EMSGSIZE): larger than UDP allows or the path can carry unfragmented.</summary>
public sealed class MessageLengthError : IOException
{
    /// <summary>Creates the exception.</summary>
    public MessageLengthError(string message, Exception? inner = null) : base(message, inner) { }
}

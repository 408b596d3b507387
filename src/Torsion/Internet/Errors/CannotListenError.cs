namespace Torsion.Internet;

/// <summary>Binding or listening on an address failed (in use, permission denied, bad address).</summary>
public class CannotListenError : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public CannotListenError(string message, Exception? inner = null) : base(message, inner) { }
}

namespace Torsion.Internet;

/// <summary>A connection attempt failed (refused, unreachable, timed out, or the name did not resolve).</summary>
public class ConnectError : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public ConnectError(string message, Exception? inner = null) : base(message, inner) { }
}

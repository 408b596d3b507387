namespace Torsion.Internet;

/// <summary>The peer refused the connection (nothing listens there).</summary>
public sealed class ConnectionRefusedError : ConnectError
{
    /// <summary>Creates the exception.</summary>
    public ConnectionRefusedError(string message, Exception? inner = null) : base(message, inner) { }
}

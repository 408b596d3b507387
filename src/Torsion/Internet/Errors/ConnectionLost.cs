namespace Torsion.Internet;

/// <summary>The connection was lost in a non-clean fashion (reset, aborted, or an I/O error).</summary>
public class ConnectionLost : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConnectionLost() : base("Connection to the other side was lost in a non-clean fashion.") { }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectionLost(string message, Exception? inner = null) : base(message, inner) { }
}

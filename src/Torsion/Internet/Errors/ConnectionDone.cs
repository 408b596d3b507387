namespace Torsion.Internet;

/// <summary>The connection was closed cleanly.</summary>
public class ConnectionDone : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConnectionDone() : base("Connection was closed cleanly.") { }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectionDone(string message) : base(message) { }
}

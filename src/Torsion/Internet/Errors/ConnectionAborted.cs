namespace Torsion.Internet;

/// <summary>The connection was closed with <see cref="ITcpTransport.AbortConnection"/>; unsent data was dropped.</summary>
public sealed class ConnectionAborted : ConnectionLost
{
    /// <summary>Creates the exception.</summary>
    public ConnectionAborted() : base("Connection was aborted locally.") { }
}

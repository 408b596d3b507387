namespace Torsion.Internet;

/// <summary>The user abandoned a connection attempt (<see cref="IConnector.StopConnecting"/>).</summary>
public sealed class UserError : ConnectError
{
    /// <summary>Creates the exception.</summary>
    public UserError() : base("User aborted connection.") { }
}

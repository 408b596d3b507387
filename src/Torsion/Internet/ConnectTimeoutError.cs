namespace Torsion.Internet;

/// <summary>A connection attempt took longer than its timeout (Twisted's <c>error.TimeoutError</c>).</summary>
public sealed class ConnectTimeoutError : ConnectError
{
    /// <summary>Creates the exception.</summary>
    public ConnectTimeoutError(double seconds) : base($"User timeout caused connection failure after {seconds}s.") { }
}

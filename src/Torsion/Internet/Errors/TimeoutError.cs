namespace Torsion.Internet;

/// <summary>A connection attempt took longer than its timeout (Twisted's <c>error.TimeoutError</c>).</summary>
public sealed class TimeoutError : ConnectError
{
    /// <summary>Creates the exception.</summary>
    public TimeoutError(double seconds) : base($"User timeout caused connection failure after {seconds}s.") { }
}

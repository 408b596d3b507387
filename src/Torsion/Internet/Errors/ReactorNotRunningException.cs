namespace Torsion.Internet;

/// <summary>Thrown by <see cref="IReactorCore.Stop"/> when the reactor is not running.</summary>
public sealed class ReactorNotRunningException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ReactorNotRunningException() : base("Can't stop a reactor that isn't running.") { }
}

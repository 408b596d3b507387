namespace Torsion.Internet;

/// <summary>Thrown by <see cref="IReactorCore.Run"/> on a reactor that has run and stopped: a reactor runs once.</summary>
public sealed class ReactorNotRestartableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ReactorNotRestartableException() : base("A reactor cannot be restarted; create a new one.") { }
}

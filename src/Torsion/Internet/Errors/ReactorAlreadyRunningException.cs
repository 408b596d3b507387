namespace Torsion.Internet;

/// <summary>Thrown by <see cref="IReactorCore.Run"/> while the reactor is already running.</summary>
public sealed class ReactorAlreadyRunningException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ReactorAlreadyRunningException() : base("The reactor is already running.") { }
}

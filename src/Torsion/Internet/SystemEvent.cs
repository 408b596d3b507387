namespace Torsion.Internet;

/// <summary>Names of the system events the reactor itself fires. Any other name may be fired by user code.</summary>
public static class SystemEvent
{
    /// <summary>Fired by <see cref="IReactorCore.Run"/> before the loop starts.</summary>
    public const string Startup = "startup";

    /// <summary>Fired by <see cref="IReactorCore.Stop"/>; the loop ends after its triggers.</summary>
    public const string Shutdown = "shutdown";

    /// <summary>Fired by the runner before it saves the application's state.</summary>
    public const string Persist = "persist";
}

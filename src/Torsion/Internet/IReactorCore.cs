using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The heart of a reactor: running and stopping the loop, and the system event triggers
/// around startup and shutdown (Twisted's <c>IReactorCore</c>).
/// </summary>
public interface IReactorCore
{
    /// <summary>True between the end of the startup event and the start of shutdown.</summary>
    bool Running { get; }

    /// <summary>
    /// Fires the startup event, then runs the loop on the calling thread until <see cref="Stop"/>
    /// (after the shutdown event) or <see cref="Crash"/>. Throws <see cref="ReactorAlreadyRunningException"/>
    /// when called while running and <see cref="ReactorNotRestartableException"/> after a previous run.
    /// </summary>
    void Run();

    /// <summary>Fires the shutdown event; <see cref="Run"/> returns once it is complete.</summary>
    /// <exception cref="ReactorNotRunningException">The reactor is not running.</exception>
    void Stop();

    /// <summary>Stops the loop at once, without firing shutdown triggers.</summary>
    void Crash();

    /// <summary>Runs one pass of the loop: waits at most <paramref name="delay"/> seconds for I/O, then runs what is due.</summary>
    void Iterate(double delay = 0);

    /// <summary>
    /// Registers <paramref name="callable"/> to run in <paramref name="phase"/> of <paramref name="eventType"/>.
    /// A Deferred returned by a <see cref="TriggerPhase.Before"/> trigger delays the <see cref="TriggerPhase.During"/>
    /// phase until it fires. Returns an id for <see cref="RemoveSystemEventTrigger"/>.
    /// </summary>
    TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Func<Deferred?> callable);

    /// <summary>Registers an action that returns nothing; see the other overload.</summary>
    TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Action callable);

    /// <summary>Removes a trigger. Throws <see cref="ArgumentException"/> for an unknown or already removed id.</summary>
    void RemoveSystemEventTrigger(TriggerId id);

    /// <summary>Runs the before, during and after triggers of <paramref name="eventType"/>.</summary>
    void FireSystemEvent(string eventType);

    /// <summary>Runs <paramref name="callable"/> now if the reactor is running, otherwise once startup is done.</summary>
    TriggerId? CallWhenRunning(Action callable);

    /// <summary>
    /// Resolves a host name to one IP address (as text) through the installed
    /// <see cref="IReactorPluggableNameResolver.NameResolver"/>: the first IPv4 address, else the first IPv6 one.
    /// </summary>
    Deferred<string> Resolve(string name, double timeout = 10);
}

using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The module-level helpers of Twisted's <c>twisted.internet.task</c>: <see cref="DeferLater{T}(IReactorTime, double, Func{T})"/>
/// (a Deferred that fires after a delay) and <see cref="React(Func{IReactor, Deferred}, string?)"/>
/// (run a reactor around one asynchronous main function and turn its outcome into an exit code).
/// </summary>
public static class ReactorTasks
{
    /// <summary>
    /// Returns a Deferred that fires, <paramref name="delay"/> seconds from now on <paramref name="clock"/>,
    /// with the value of <paramref name="f"/> (or its exception as a failure) (Twisted's <c>deferLater</c>).
    /// Cancelling the Deferred before then cancels the delayed call; it fails with <see cref="CancelledException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or not a number.</exception>
    public static Deferred<T> DeferLater<T>(IReactorTime clock, double delay, Func<T> f)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(f);
        IDelayedCall? call = null;
        // The canceller only runs while the Deferred is unfired, that is while the call is pending.
        var d = new Deferred<T>(_ => call!.Cancel());
        call = clock.CallLater(delay, () =>
        {
            T value;
            try
            {
                value = f();
            }
            catch (Exception e)
            {
                d.Errback(e);
                return;
            }
            d.Callback(value);
        });
        return d;
    }

    /// <summary>
    /// Like <see cref="DeferLater{T}(IReactorTime, double, Func{T})"/> for a function that returns a
    /// Deferred: the result fires when that one does (cancelling then cancels that one).
    /// </summary>
    // Deferred is task-like, so an async lambda (or one that throws) fits both overloads; this one wins.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static Deferred<T> DeferLater<T>(IReactorTime clock, double delay, Func<Deferred<T>> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return DeferLater(clock, delay).AddCallback(_ => f());
    }

    /// <summary>
    /// Returns a Deferred with no value that fires <paramref name="delay"/> seconds from now, after
    /// running <paramref name="f"/> if given (its exception becomes the failure). Cancelling it
    /// first cancels the delayed call; it fails with <see cref="CancelledException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or not a number.</exception>
    public static Deferred DeferLater(IReactorTime clock, double delay, Action? f = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        IDelayedCall? call = null;
        var d = new Deferred(_ => call!.Cancel());
        call = clock.CallLater(delay, () =>
        {
            try
            {
                f?.Invoke();
            }
            catch (Exception e)
            {
                d.Errback(e);
                return;
            }
            d.Callback();
        });
        return d;
    }

    /// <summary>
    /// Runs a new reactor (the named backend, or the default) until <paramref name="main"/>'s Deferred
    /// fires, and returns an exit code (Twisted's <c>task.react</c>): 0 when it succeeds, 1 when it
    /// fails (the failure is reported on standard error). <paramref name="main"/> is called once the
    /// reactor is running; the reactor is stopped exactly once, even when the Deferred fires at once
    /// or something else (a signal) is already stopping it. SIGINT and SIGTERM stop the reactor.
    /// </summary>
    // Deferred is task-like, so an async lambda (or one that throws) fits both overloads; this one wins.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static int React(Func<IReactor, Deferred> main, string? reactorName = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        return React(Reactors.Create(reactorName), main);
    }

    /// <summary>Like <see cref="React(Func{IReactor, Deferred}, string?)"/> for an <c>async Task</c> main function.</summary>
    public static int React(Func<IReactor, Task> main, string? reactorName = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        return React(Reactors.Create(reactorName), main);
    }

    /// <summary>Like <see cref="React(Func{IReactor, Task}, string?)"/> on a reactor the caller created (and that has never run).</summary>
    public static int React(IReactor reactor, Func<IReactor, Task> main)
    {
        ArgumentNullException.ThrowIfNull(main);
        // Called on the loop thread, where FromTask completes through the reactor's context.
        return React(reactor, r => Deferred.FromTask(main(r)));
    }

    /// <summary>Like <see cref="React(Func{IReactor, Deferred}, string?)"/> on a reactor the caller created (and that has never run).</summary>
    // Deferred is task-like, so an async lambda (or one that throws) fits both overloads; this one wins.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static int React(IReactor reactor, Func<IReactor, Deferred> main)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(main);
        var code = 0;
        var stopping = false;
        // Anyone else stopping the reactor (a signal, main itself) must not be followed by a
        // second Stop, which would throw ReactorNotRunningException.
        reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => { stopping = true; });
        reactor.CallWhenRunning(() =>
        {
            var finished = Deferred.MaybeDeferred<Unit>(() => main(reactor) ?? throw new InvalidOperationException("The main function returned a null Deferred."));
            finished.AddBoth(outcome =>
            {
                if (!outcome.Succeeded)
                {
                    code = 1;
                    ReactorBase.LogError("main function encountered error", outcome.Failure!.Value);
                }
                if (!stopping)
                {
                    stopping = true;
                    try
                    {
                        reactor.Stop();
                    }
                    catch (ReactorNotRunningException)
                    {
                        // Stop was already called and its shutdown has not begun yet.
                    }
                }
                return Unit.Value;
            });
        });
        if (reactor is ReactorBase concrete)
        {
            concrete.Run(installSignalHandlers: true);
        }
        else
        {
            reactor.Run();
        }
        return code;
    }
}

using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Moving work between the reactor thread and other threads (Twisted's <c>twisted.internet.threads</c>):
/// <see cref="DeferToThread{T}(IReactorThreads, Func{T})"/> runs blocking work on the reactor's pool and
/// delivers the result back on the reactor thread; <see cref="BlockingCallFromThread{T}(IReactorThreads, Func{T})"/>
/// goes the other way, letting a worker thread run code on the reactor and wait for its result.
/// </summary>
public static class ReactorThreads
{
    /// <summary>
    /// Runs <paramref name="f"/> on <paramref name="reactor"/>'s thread pool and returns a Deferred
    /// that fires on the reactor thread (through <see cref="IReactorThreads.CallFromThread"/>) with
    /// its result, or fails with its exception (Twisted's <c>deferToThread</c>). Cancelling the
    /// Deferred cannot interrupt <paramref name="f"/>; its eventual result is then ignored.
    /// </summary>
    public static Deferred<T> DeferToThread<T>(IReactorThreads reactor, Func<T> f)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        return DeferToThreadPool(reactor, reactor.GetThreadPool(), f);
    }

    /// <summary>Runs <paramref name="f"/> on the reactor's thread pool; the Deferred fires on the reactor thread when it returns.</summary>
    public static Deferred DeferToThread(IReactorThreads reactor, Action f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var d = new Deferred();
        DeferToThread(reactor, () =>
        {
            f();
            return Unit.Value;
        }).ChainDeferred(d);
        return d;
    }

    /// <summary>
    /// Like <see cref="DeferToThread{T}(IReactorThreads, Func{T})"/> on a pool of the caller's choice
    /// (Twisted's <c>deferToThreadPool</c>); the result is still delivered on <paramref name="reactor"/>'s thread.
    /// </summary>
    public static Deferred<T> DeferToThreadPool<T>(IReactorThreads reactor, ReactorThreadPool pool, Func<T> f)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(f);
        var d = new Deferred<T>();
        // The loop may look for the result before it sleeps (ReactorBase.BeginAwaitingThreadCall).
        var loop = reactor as ReactorBase;
        loop?.BeginAwaitingThreadCall();
        try
        {
            pool.CallInThread(() => RunAndReport(reactor, loop, d, f));
        }
        catch (WorkerThreadStartException e)
        {
            // Out of threads or descriptors is a runtime condition, not the caller's mistake: it
            // reaches them as the Deferred's failure, like any failure of the work itself.
            loop?.EndAwaitingThreadCall();
            d.Errback(new Failure(e));
        }
        return d;
    }

    /// <summary>Runs on the pool thread: calls <paramref name="f"/> and sends its outcome to the reactor thread.</summary>
    private static void RunAndReport<T>(IReactorThreads reactor, ReactorBase? loop, Deferred<T> d, Func<T> f)
    {
        T value;
        try
        {
            value = f();
        }
        catch (Exception e)
        {
            // The Failure is made here so it keeps the worker's stack.
            var failure = new Failure(e);
            reactor.CallFromThread(() =>
            {
                loop?.EndAwaitingThreadCall();
                d.Errback(failure);
            });
            return;
        }
        reactor.CallFromThread(() =>
        {
            loop?.EndAwaitingThreadCall();
            d.Callback(value);
        });
    }

    /// <summary>
    /// Runs <paramref name="calls"/> one after another on a single pool thread (Twisted's
    /// <c>callMultipleInThread</c>). An exception ends the sequence and is reported by the pool.
    /// </summary>
    public static void CallMultipleInThread(IReactorThreads reactor, IEnumerable<Action> calls)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(calls);
        // Enumerated here, on the caller's thread, so the sequence is not read concurrently with its owner.
        var list = calls.ToArray();
        reactor.CallInThread(() =>
        {
            foreach (var call in list)
            {
                call();
            }
        });
    }

    /// <summary>
    /// From a thread other than the reactor's: runs <paramref name="f"/> on the reactor thread, waits
    /// for it, and returns its result or rethrows its exception (Twisted's <c>blockingCallFromThread</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Called on the reactor thread, where waiting would deadlock.</exception>
    public static T BlockingCallFromThread<T>(IReactorThreads reactor, Func<T> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return BlockingCallFromThread(reactor, () => Deferred.Succeed(f()));
    }

    /// <summary>
    /// From a thread other than the reactor's: runs <paramref name="f"/> on the reactor thread, waits
    /// until the Deferred it returns fires, and returns its result or rethrows the failure's exception.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called on the reactor thread, where waiting would deadlock.</exception>
    // Deferred is task-like, so an async lambda (or one that throws) fits both overloads; this one wins.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static T BlockingCallFromThread<T>(IReactorThreads reactor, Func<Deferred<T>> f)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(f);
        // A group's CallFromThread from one of its loops goes to that same loop: as good as deadlocked.
        if (reactor is ILoopThreadOwner { IsInLoopThread: true })
        {
            throw new InvalidOperationException(
                "BlockingCallFromThread cannot be called on the reactor thread: it would wait for the reactor forever.");
        }
        // Continuations run asynchronously so the reactor thread that completes the source never
        // runs the waiting thread's code.
        var done = new TaskCompletionSource<Outcome<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        reactor.CallFromThread(() =>
        {
            Deferred.MaybeDeferred(() => f() ?? throw new InvalidOperationException("The function returned a null Deferred."))
                .AddBoth(outcome =>
                {
                    done.SetResult(outcome);
                    return Unit.Value;
                });
        });
        return done.Task.GetAwaiter().GetResult().GetValueOrThrow();
    }

    /// <summary>Runs <paramref name="f"/> on the reactor thread from another thread and waits for it; see <see cref="BlockingCallFromThread{T}(IReactorThreads, Func{T})"/>.</summary>
    /// <exception cref="InvalidOperationException">Called on the reactor thread, where waiting would deadlock.</exception>
    public static void BlockingCallFromThread(IReactorThreads reactor, Action f)
    {
        ArgumentNullException.ThrowIfNull(f);
        BlockingCallFromThread(reactor, () =>
        {
            f();
            return Unit.Value;
        });
    }
}

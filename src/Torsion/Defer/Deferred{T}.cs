using System.Runtime.CompilerServices;
using Torsion.Internet;

namespace Torsion.Defer;

/// <summary>
/// A result that will arrive later (Twisted's <c>Deferred</c>). Callbacks and errbacks form a
/// chain: each receives the previous result; a callback that throws moves the chain to the
/// errback path; an errback that returns a value moves it back; a callback that returns a
/// Deferred pauses the chain until that one fires. Callbacks added after the Deferred fired
/// run at once, synchronously.
/// </summary>
/// <remarks>
/// Every <c>Add*</c> method returns a view of the <em>same</em> chain typed with the new result
/// type (it is <c>this</c> when the type does not change). Views share all state: firing,
/// cancelling or adding to any of them acts on the one chain. Not thread-safe: use a Deferred
/// from the reactor thread (or one thread) only.
/// </remarks>
/// <typeparam name="T">The type of the current result.</typeparam>
[AsyncMethodBuilder(typeof(DeferredAsyncMethodBuilder<>))]
public class Deferred<T> : IDeferredChainOwner
{
    /// <summary>Creates an unfired Deferred.</summary>
    public Deferred() => Chain = new DeferredChain();

    /// <summary>
    /// Creates an unfired Deferred whose <see cref="Cancel"/> runs <paramref name="canceller"/>
    /// (which should stop the underlying operation, and may fire the Deferred itself).
    /// </summary>
    public Deferred(Action<Deferred<T>>? canceller)
    {
        Chain = new DeferredChain();
        if (canceller is not null)
        {
            Chain.SetCanceller(() => canceller(this), cancellerDecides: false);
        }
    }

    internal Deferred(DeferredChain chain) => Chain = chain;

    internal DeferredChain Chain { get; }

    DeferredChain IDeferredChainOwner.Chain => Chain;

    /// <summary>True once <see cref="Callback"/> or <see cref="Errback(Failure)"/> was called (Twisted's <c>called</c>).</summary>
    public bool Called => Chain.Called;

    /// <summary>True while <see cref="Pause"/> (or waiting on a Deferred returned by a callback) holds the chain.</summary>
    public bool Paused => Chain.IsPaused;

    /// <summary>Fires the callback chain with <paramref name="result"/>.</summary>
    /// <exception cref="AlreadyCalledException">The Deferred was already fired.</exception>
    public void Callback(T result) => Chain.Fire(result);

    /// <summary>Fires the errback chain with <paramref name="failure"/>.</summary>
    /// <exception cref="AlreadyCalledException">The Deferred was already fired.</exception>
    public void Errback(Failure failure) => Chain.Fire(failure ?? throw new ArgumentNullException(nameof(failure)));

    /// <summary>Fires the errback chain with a <see cref="Failure"/> wrapping <paramref name="exception"/>.</summary>
    /// <exception cref="AlreadyCalledException">The Deferred was already fired.</exception>
    public void Errback(Exception exception) => Chain.Fire(new Failure(exception));

    /// <summary>Adds a callback and an errback; whichever runs provides the next result.</summary>
    public Deferred<TNew> AddCallbacks<TNew>(Func<T, TNew> callback, Func<Failure, TNew> errback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(errback);
        Chain.Add(new Entries.Map<T, TNew>(callback, errback));
        return View<TNew>();
    }

    /// <summary>Adds a callback and an errback that each continue with a Deferred; the chain waits for it.</summary>
    public Deferred<TNew> AddCallbacks<TNew>(Func<T, Deferred<TNew>> callback, Func<Failure, Deferred<TNew>> errback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(errback);
        Chain.Add(new Entries.Bind<T, TNew>(callback, errback));
        return View<TNew>();
    }

    /// <summary>Adds a callback; a failure passes it by.</summary>
    public Deferred<TNew> AddCallback<TNew>(Func<T, TNew> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Chain.Add(new Entries.Map<T, TNew>(callback, null));
        return View<TNew>();
    }

    /// <summary>
    /// Adds a callback that continues with another Deferred: the chain pauses until it fires and
    /// then goes on with its result (at once if it has already fired).
    /// </summary>
    public Deferred<TNew> AddCallback<TNew>(Func<T, Deferred<TNew>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Chain.Add(new Entries.Bind<T, TNew>(callback, null));
        return View<TNew>();
    }

    /// <summary>Adds a callback with no result; the chain goes on with <see cref="Unit"/> (Twisted's None).</summary>
    public Deferred AddCallback(Action<T> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Chain.Add(new Entries.Act<T>(callback));
        return this as Deferred ?? new Deferred(Chain);
    }

    /// <summary>Adds an errback that recovers: its value puts the chain back on the callback path.</summary>
    public Deferred<T> AddErrback(Func<Failure, T> errback)
    {
        ArgumentNullException.ThrowIfNull(errback);
        Chain.Add(new Entries.Map<T, T>(null, errback));
        return this;
    }

    /// <summary>Adds an errback that recovers with a Deferred; the chain waits for it.</summary>
    public Deferred<T> AddErrback(Func<Failure, Deferred<T>> errback)
    {
        ArgumentNullException.ThrowIfNull(errback);
        Chain.Add(new Entries.Bind<T, T>(null, errback));
        return this;
    }

    /// <summary>Adds an errback that returns a failure (the same or another), so the chain stays on the errback path.</summary>
    public Deferred<T> AddErrback(Func<Failure, Failure> errback)
    {
        ArgumentNullException.ThrowIfNull(errback);
        Chain.Add(new Entries.MapFailure(errback));
        return this;
    }

    /// <summary>
    /// Adds <paramref name="action"/> to run on either path; the result or failure passes through
    /// unchanged (like <c>finally</c>). If the action throws, its exception becomes the failure.
    /// </summary>
    public Deferred<T> AddBoth(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Chain.Add(new Entries.Finally(action));
        return this;
    }

    /// <summary>
    /// Adds a handler that sees the <see cref="Outcome{T}"/> either way (Twisted's <c>addBoth</c>):
    /// its return value continues down the callback path, and throwing (for instance
    /// <see cref="Outcome{T}.GetValueOrThrow"/>) continues down the errback path.
    /// </summary>
    public Deferred<TNew> AddBoth<TNew>(Func<Outcome<T>, TNew> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Chain.Add(new Entries.Both<T, TNew>(handler));
        return View<TNew>();
    }

    /// <summary>Like <see cref="AddBoth{TNew}(Func{Outcome{T}, TNew})"/>, continuing with a Deferred the chain waits for.</summary>
    public Deferred<TNew> AddBoth<TNew>(Func<Outcome<T>, Deferred<TNew>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Chain.Add(new Entries.BothBind<T, TNew>(handler));
        return View<TNew>();
    }

    /// <summary>
    /// Fires <paramref name="other"/> with this chain's result (value or failure) when it arrives
    /// (Twisted's <c>chainDeferred</c>). This chain is left with no result, so a failure counts as handled here.
    /// </summary>
    public Deferred ChainDeferred(Deferred<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other.Chain, Chain))
        {
            throw new ArgumentException("A Deferred cannot be chained to itself.", nameof(other));
        }
        Chain.Add(new Entries.ChainTo(other.Chain));
        return this as Deferred ?? new Deferred(Chain);
    }

    /// <summary>Stops the chain from running until a matching <see cref="Unpause"/>. Pauses nest.</summary>
    public void Pause() => Chain.Pause();

    /// <summary>Undoes one <see cref="Pause"/>; the last one resumes the chain if it has fired.</summary>
    /// <exception cref="InvalidOperationException">The Deferred was not paused.</exception>
    public void Unpause() => Chain.Unpause();

    /// <summary>
    /// Cancels the operation. Unfired: runs the canceller; if that did not fire the Deferred, it
    /// fails with <see cref="CancelledException"/> (without a canceller, the one later
    /// <see cref="Callback"/>/<see cref="Errback(Failure)"/> from the producer is silently ignored).
    /// Waiting on a Deferred returned by a callback: cancels that one. Already fired: does nothing.
    /// </summary>
    public void Cancel() => Chain.Cancel();

    /// <summary>
    /// Cancels the Deferred if it has not fired within <paramref name="seconds"/> on
    /// <paramref name="clock"/>; the resulting <see cref="CancelledException"/> becomes a
    /// <see cref="TimeoutException"/>, or, when given, the value of <paramref name="onTimeoutCancel"/>.
    /// Only callbacks added before this call are covered; the timer is cancelled when the
    /// Deferred fires first.
    /// </summary>
    public Deferred<T> AddTimeout(double seconds, IReactorTime clock, Func<T>? onTimeoutCancel = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var entry = new TimeoutEntry<T>(this, seconds, onTimeoutCancel);
        entry.Schedule(clock);
        Chain.Add(entry);
        return this;
    }

    /// <summary>
    /// A Task that completes with the result, faults with the failure's exception, or is
    /// cancelled on a <see cref="OperationCanceledException"/> (including <see cref="CancelledException"/>).
    /// Like a callback, this consumes the result: the chain goes on with <c>default</c>.
    /// </summary>
    public Task<T> AsTask()
    {
        var source = new TaskCompletionSource<T>();
        Chain.Add(new Entries.ToTask<T>(source));
        return source.Task;
    }

    /// <summary>Lets <c>await</c> wait for this Deferred; the continuation runs synchronously when it fires.</summary>
    public DeferredAwaiter<T> GetAwaiter() => new(this);

    /// <inheritdoc />
    public override string ToString() => Chain.ToString();

    private Deferred<TNew> View<TNew>() => this as Deferred<TNew> ?? new Deferred<TNew>(Chain);
}

namespace Torsion.Defer;

/// <summary>
/// A lock for code that runs in callbacks (Twisted's <c>DeferredLock</c>): <see cref="Acquire"/>
/// returns a Deferred that fires, with the lock, once the lock is yours. Waiters are served in order.
/// </summary>
public sealed class DeferredLock
{
    private readonly List<Deferred<DeferredLock>> _waiting = new();

    /// <summary>True while someone holds the lock.</summary>
    public bool Locked { get; private set; }

    /// <summary>
    /// Fires (at once if the lock is free) when the lock has been acquired. Cancelling a pending
    /// acquisition removes it from the queue.
    /// </summary>
    public Deferred<DeferredLock> Acquire()
    {
        if (!Locked)
        {
            Locked = true;
            return Deferred.Succeed(this);
        }
        var d = new Deferred<DeferredLock>(waiter => _waiting.Remove(waiter));
        _waiting.Add(d);
        return d;
    }

    /// <summary>Releases the lock, handing it to the first waiter if there is one.</summary>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    public void Release()
    {
        if (!Locked)
        {
            throw new InvalidOperationException("Release() of an unlocked DeferredLock.");
        }
        Locked = false;
        if (_waiting.Count > 0)
        {
            Locked = true;
            var next = _waiting[0];
            _waiting.RemoveAt(0);
            next.Callback(this);
        }
    }

    /// <summary>
    /// Acquires the lock, runs <paramref name="function"/>, and releases the lock when the Deferred
    /// it returns fires, passing its result (or failure) on.
    /// </summary>
    public Deferred<T> Run<T>(Func<Deferred<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Acquire()
            .AddCallback(_ => Deferred.MaybeDeferred(function))
            .AddBoth(Release);
    }

    /// <summary>Acquires the lock, runs <paramref name="function"/>, releases the lock, and fires with its value.</summary>
    public Deferred<T> Run<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Acquire()
            .AddCallback(_ => function())
            .AddBoth(Release);
    }
}

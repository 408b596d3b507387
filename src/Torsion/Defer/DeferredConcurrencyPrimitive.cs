namespace Torsion.Defer;

/// <summary>
/// What <see cref="DeferredLock"/> and <see cref="DeferredSemaphore"/> share (Twisted's
/// <c>_ConcurrencyPrimitive</c>): a queue of waiting acquisitions served in order, and
/// <c>Run</c>, which holds the primitive around a function. A subclass says only how a unit is
/// taken and given back.
/// </summary>
/// <typeparam name="TSelf">The concrete primitive, which acquisitions fire with.</typeparam>
public abstract class DeferredConcurrencyPrimitive<TSelf> where TSelf : DeferredConcurrencyPrimitive<TSelf>
{
    private readonly List<Deferred<TSelf>> _waiting = new();

    /// <summary>Only the primitives in this assembly derive from it.</summary>
    private protected DeferredConcurrencyPrimitive() { }

    /// <summary>Takes a unit if one is free.</summary>
    private protected abstract bool TryTake();

    /// <summary>Gives a unit back; throws <see cref="InvalidOperationException"/> when none is taken.</summary>
    private protected abstract void Give();

    /// <summary>
    /// Fires (at once if a unit is free) once the primitive is acquired. Cancelling a pending
    /// acquisition removes it from the queue.
    /// </summary>
    public Deferred<TSelf> Acquire()
    {
        if (TryTake())
        {
            return Deferred.Succeed((TSelf)this);
        }
        var d = new Deferred<TSelf>(waiter => _waiting.Remove(waiter));
        _waiting.Add(d);
        return d;
    }

    /// <summary>Releases the primitive, handing it to the first waiter if there is one.</summary>
    /// <exception cref="InvalidOperationException">More releases than acquisitions.</exception>
    public void Release()
    {
        Give();
        if (_waiting.Count > 0 && TryTake())
        {
            var next = _waiting[0];
            _waiting.RemoveAt(0);
            next.Callback((TSelf)this);
        }
    }

    /// <summary>
    /// Acquires, runs <paramref name="function"/>, and releases when the Deferred it returns fires,
    /// passing its result (or failure) on.
    /// </summary>
    public Deferred<T> Run<T>(Func<Deferred<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Acquire()
            .AddCallback(_ => Deferred.MaybeDeferred(function))
            .AddBoth(Release);
    }

    /// <summary>Acquires, runs <paramref name="function"/>, releases, and fires with its value.</summary>
    public Deferred<T> Run<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Acquire()
            .AddCallback(_ => function())
            .AddBoth(Release);
    }
}

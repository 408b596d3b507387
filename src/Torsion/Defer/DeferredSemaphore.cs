namespace Torsion.Defer;

/// <summary>
/// A semaphore for code that runs in callbacks (Twisted's <c>DeferredSemaphore</c>): at most
/// <see cref="Limit"/> holders at a time, further <see cref="Acquire"/>s wait in order.
/// </summary>
public sealed class DeferredSemaphore
{
    private readonly List<Deferred<DeferredSemaphore>> _waiting = new();

    /// <summary>Creates a semaphore with <paramref name="tokens"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is less than 1.</exception>
    public DeferredSemaphore(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        Limit = tokens;
        Tokens = tokens;
    }

    /// <summary>The number of tokens the semaphore was created with.</summary>
    public int Limit { get; }

    /// <summary>The tokens currently free.</summary>
    public int Tokens { get; private set; }

    /// <summary>Fires when a token has been taken; cancelling a pending acquisition removes it from the queue.</summary>
    public Deferred<DeferredSemaphore> Acquire()
    {
        if (Tokens > 0)
        {
            Tokens--;
            return Deferred.Succeed(this);
        }
        var d = new Deferred<DeferredSemaphore>(waiter => _waiting.Remove(waiter));
        _waiting.Add(d);
        return d;
    }

    /// <summary>Returns a token, handing it to the first waiter if there is one.</summary>
    /// <exception cref="InvalidOperationException">More releases than acquisitions.</exception>
    public void Release()
    {
        if (Tokens >= Limit)
        {
            throw new InvalidOperationException("Release() of a DeferredSemaphore that has all its tokens.");
        }
        Tokens++;
        if (_waiting.Count > 0)
        {
            Tokens--;
            var next = _waiting[0];
            _waiting.RemoveAt(0);
            next.Callback(this);
        }
    }

    /// <summary>Takes a token, runs <paramref name="function"/>, and returns the token when its Deferred fires.</summary>
    public Deferred<T> Run<T>(Func<Deferred<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Acquire()
            .AddCallback(_ => Deferred.MaybeDeferred(function))
            .AddBoth(Release);
    }

    /// <summary>Takes a token, runs <paramref name="function"/>, returns the token, and fires with its value.</summary>
    public Deferred<T> Run<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Acquire()
            .AddCallback(_ => function())
            .AddBoth(Release);
    }
}

namespace Torsion.Defer;

/// <summary>
/// The typed entry kinds behind the public <c>Add*</c> overloads. Each wraps the user's delegate
/// directly (no adapter closure), so adding a callback allocates exactly one entry.
/// </summary>
internal static class Entries
{
    /// <summary>Value-returning callback and/or errback; a missing one passes the result through.</summary>
    internal sealed class Map<T, TNew>(Func<T, TNew>? callback, Func<Failure, TNew>? errback) : ChainEntry
    {
        internal override object? Invoke(object? result)
        {
            if (result is Failure failure)
            {
                return errback is null ? failure : errback(failure);
            }
            return callback is null ? result : callback(Cast<T>(result));
        }
    }

    /// <summary>Deferred-returning callback and/or errback: the chain waits for what they return.</summary>
    internal sealed class Bind<T, TNew>(Func<T, Deferred<TNew>>? callback, Func<Failure, Deferred<TNew>>? errback) : ChainEntry
    {
        internal override object? Invoke(object? result)
        {
            if (result is Failure failure)
            {
                return errback is null ? failure : Unwrap(errback(failure));
            }
            return callback is null ? result : Unwrap(callback(Cast<T>(result)));
        }

        private static DeferredChain Unwrap(Deferred<TNew> returned) =>
            returned?.Chain ?? throw new InvalidOperationException("A callback returned a null Deferred.");
    }

    /// <summary>A callback with no result (Twisted's callback returning None).</summary>
    internal sealed class Act<T>(Action<T> callback) : ChainEntry
    {
        internal override object? Invoke(object? result)
        {
            if (result is Failure)
            {
                return result;
            }
            callback(Cast<T>(result));
            return null;
        }
    }

    /// <summary>An errback that returns a (possibly different) Failure, staying on the errback path.</summary>
    internal sealed class MapFailure(Func<Failure, Failure> errback) : ChainEntry
    {
        internal override object? Invoke(object? result) =>
            result is Failure failure
                ? errback(failure) ?? throw new InvalidOperationException("An errback returned a null Failure.")
                : result;
    }

    /// <summary>Runs on either path and passes the result through untouched, like <c>finally</c>.</summary>
    internal sealed class Finally(Action action) : ChainEntry
    {
        internal override object? Invoke(object? result)
        {
            action();
            return result;
        }
    }

    /// <summary>Sees the outcome either way and maps it to a new value.</summary>
    internal sealed class Both<T, TNew>(Func<Outcome<T>, TNew> handler) : ChainEntry
    {
        internal override object? Invoke(object? result) => handler(Outcome<T>.From(result));
    }

    /// <summary>Sees the outcome either way and continues with a Deferred.</summary>
    internal sealed class BothBind<T, TNew>(Func<Outcome<T>, Deferred<TNew>> handler) : ChainEntry
    {
        internal override object? Invoke(object? result) =>
            handler(Outcome<T>.From(result))?.Chain ?? throw new InvalidOperationException("A callback returned a null Deferred.");
    }

    /// <summary><c>chainDeferred</c>: hands the result to another chain; this one is left with None.</summary>
    internal sealed class ChainTo(DeferredChain target) : ChainEntry
    {
        internal override object? Invoke(object? result)
        {
            target.Fire(result);
            return null;
        }
    }

    /// <summary>The entry an awaiter adds: stashes the result for <c>GetResult</c>, resumes, and consumes it.</summary>
    internal sealed class Resume(DeferredChain chain, Action continuation) : ChainEntry
    {
        internal override object? Invoke(object? result)
        {
            chain.StashAwaitedResult(result);
            continuation();
            return null;
        }
    }

    /// <summary>Completes a Task from the result (consuming it).</summary>
    internal sealed class ToTask<T>(TaskCompletionSource<T> source) : ChainEntry
    {
        internal override object? Invoke(object? result)
        {
            if (result is Failure failure)
            {
                if (failure.Value is OperationCanceledException)
                {
                    source.TrySetCanceled();
                }
                else
                {
                    source.TrySetException(failure.Value);
                }
            }
            else
            {
                source.TrySetResult(Cast<T>(result));
            }
            return null;
        }
    }
}

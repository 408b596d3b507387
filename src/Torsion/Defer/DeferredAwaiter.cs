using System.Runtime.CompilerServices;

namespace Torsion.Defer;

/// <summary>
/// Awaits a <see cref="Deferred{T}"/>. The continuation is added to the chain like a callback and
/// runs synchronously when the Deferred fires, on the firing thread (the reactor thread), never
/// posted elsewhere. Awaiting consumes the result, as a callback returning None would.
/// </summary>
/// <typeparam name="T">The awaited result type.</typeparam>
public readonly struct DeferredAwaiter<T> : ICriticalNotifyCompletion, IDeferredAwaiter
{
    private readonly Deferred<T> _deferred;

    internal DeferredAwaiter(Deferred<T> deferred) => _deferred = deferred;

    DeferredChain IDeferredAwaiter.Chain => _deferred.Chain;

    internal DeferredChain Chain => _deferred.Chain;

    /// <summary>True when the result is available now (fired, not paused, not waiting on another Deferred).</summary>
    public bool IsCompleted => _deferred.Chain.HasResultNow;

    /// <summary>The result; a failure is rethrown with its original stack.</summary>
    public T GetResult()
    {
        var result = _deferred.Chain.TakeAwaitedResult();
        if (result is Failure failure)
        {
            failure.RaiseException();
        }
        return ChainEntry.Cast<T>(result);
    }

    /// <summary>Schedules <paramref name="continuation"/> to run when the Deferred fires.</summary>
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <summary>Schedules <paramref name="continuation"/> to run when the Deferred fires.</summary>
    public void UnsafeOnCompleted(Action continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var chain = _deferred.Chain;
        chain.Add(new Entries.Resume(chain, continuation));
    }
}

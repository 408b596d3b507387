using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Torsion.Defer;

/// <summary>
/// Makes <c>async Deferred&lt;T&gt; F()</c> valid (Twisted's <c>ensureDeferred</c>/<c>inlineCallbacks</c>).
/// The method runs synchronously until its first incomplete await; if it never suspends, the
/// returned Deferred has already fired. Cancelling the returned Deferred cancels the Deferred the
/// method is awaiting, so the <see cref="CancelledException"/> surfaces at that await (if it awaits
/// something else, the result fails at once and the method's eventual outcome is ignored).
/// Used by the compiler; not meant to be called directly.
/// </summary>
/// <typeparam name="T">The method's result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct DeferredAsyncMethodBuilder<T>
{
    private AsyncMethodState<T>? _state;

    /// <summary>Creates a builder.</summary>
    public static DeferredAsyncMethodBuilder<T> Create() => default;

    /// <summary>The Deferred the async method returns.</summary>
    public Deferred<T> Task => (_state ??= new AsyncMethodState<T>(untyped: false)).Deferred;

    /// <summary>Runs the method up to its first suspension.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        // The framework's Start restores the caller's ExecutionContext and SynchronizationContext
        // afterwards (so AsyncLocal changes made in the method do not leak out) and touches no
        // builder state, so borrowing it is free.
        AsyncTaskMethodBuilder.Create().Start(ref stateMachine);
    }

    /// <summary>Not used: the state machine is boxed by the builder itself.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>Fires the returned Deferred with <paramref name="result"/>.</summary>
    public void SetResult(T result) => (_state ??= new AsyncMethodState<T>(untyped: false)).SetResult(result);

    /// <summary>Fails the returned Deferred with <paramref name="exception"/>.</summary>
    public void SetException(Exception exception) => (_state ??= new AsyncMethodState<T>(untyped: false)).SetException(exception);

    /// <summary>Suspends the method on <paramref name="awaiter"/>.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => (_state ??= new AsyncMethodState<T>(untyped: false)).AwaitOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Suspends the method on <paramref name="awaiter"/>.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => (_state ??= new AsyncMethodState<T>(untyped: false)).AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}

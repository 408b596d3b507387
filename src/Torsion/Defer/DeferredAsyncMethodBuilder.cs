using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Torsion.Defer;

/// <summary>
/// Makes <c>async Deferred F()</c> valid; see <see cref="DeferredAsyncMethodBuilder{T}"/> for the
/// behaviour. Used by the compiler; not meant to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct DeferredAsyncMethodBuilder
{
    private AsyncMethodState<Unit>? _state;

    /// <summary>Creates a builder.</summary>
    public static DeferredAsyncMethodBuilder Create() => default;

    /// <summary>The Deferred the async method returns.</summary>
    public Deferred Task => (Deferred)State.Deferred;

    private AsyncMethodState<Unit> State => _state ??= new AsyncMethodState<Unit>(untyped: true);

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

    /// <summary>Fires the returned Deferred.</summary>
    public void SetResult() => State.SetResult(Unit.Value);

    /// <summary>Fails the returned Deferred with <paramref name="exception"/>.</summary>
    public void SetException(Exception exception) => State.SetException(exception);

    /// <summary>Suspends the method on <paramref name="awaiter"/>.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => State.AwaitOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Suspends the method on <paramref name="awaiter"/>.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => State.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}

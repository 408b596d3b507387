using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Torsion.Web.Server;

/// <summary>
/// Lets a render method be written <c>async RenderResult RenderGet(Request request)</c>: the method
/// writes to the request, awaiting what it needs, and the request is finished when the method returns
/// (if the method has not finished it). The compiler uses this type; code does not.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct RenderResultMethodBuilder
{
    private AsyncTaskMethodBuilder _inner;

    /// <summary>Creates a builder.</summary>
    public static RenderResultMethodBuilder Create() => new() { _inner = AsyncTaskMethodBuilder.Create() };

    /// <summary>The result of the method.</summary>
    public RenderResult Task => new(_inner.Task);

    /// <summary>Starts the state machine.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
        _inner.Start(ref stateMachine);

    /// <summary>Associates the state machine.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) => _inner.SetStateMachine(stateMachine);

    /// <summary>Completes.</summary>
    public void SetResult() => _inner.SetResult();

    /// <summary>Completes with a failure.</summary>
    public void SetException(Exception exception) => _inner.SetException(exception);

    /// <summary>Schedules the continuation.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Schedules the continuation.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}

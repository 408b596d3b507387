using System.Runtime.CompilerServices;

namespace Torsion.Defer;

/// <summary>
/// The heap state of one <c>async Deferred</c> method (shared by every copy of its builder):
/// the Deferred it returns, the boxed state machine, and the Deferred it is awaiting, which
/// cancelling the result cancels (Twisted's inlineCallbacks cancellation).
/// </summary>
internal sealed class AsyncMethodState<T>
{
    private DeferredChain? _awaiting;
    // Set when the method was cancelled while awaiting something that is not a Deferred: the
    // result already failed, so the method's own eventual completion is dropped.
    private bool _abandoned;
    private Action? _moveNext;
    private IAsyncStateMachine? _boxed;
    // The caller's ExecutionContext at the latest suspension, so AsyncLocal values survive an
    // await even though the Deferred fires on whatever thread and context its producer has.
    private ExecutionContext? _context;
    private static readonly ContextCallback _runMoveNext = static state => ((IAsyncStateMachine)state!).MoveNext();

    internal AsyncMethodState(bool untyped)
    {
        var chain = new DeferredChain();
        Deferred = untyped ? (Deferred<T>)(object)new Deferred(chain) : new Deferred<T>(chain);
        chain.SetCanceller(OnCancel, cancellerDecides: true);
    }

    internal Deferred<T> Deferred { get; }

    private void OnCancel()
    {
        if (_awaiting is { } awaited)
        {
            // The CancelledException surfaces at the await; the method decides what happens.
            awaited.Cancel();
            return;
        }
        _abandoned = true;
        Deferred.Chain.Fire(new Failure(new CancelledException()));
    }

    internal void SetResult(T result)
    {
        if (!_abandoned)
        {
            Deferred.Callback(result);
        }
    }

    internal void SetException(Exception exception)
    {
        if (!_abandoned)
        {
            Deferred.Errback(exception);
        }
    }

    private void Resume()
    {
        _awaiting = null;
        var context = _context;
        _context = null;
        if (context is null)
        {
            _boxed!.MoveNext();
        }
        else
        {
            ExecutionContext.Run(context, _runMoveNext, _boxed);
        }
    }

    internal void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
    {
        awaiter.OnCompleted(GetMoveNext(ref stateMachine, awaiter));
    }

    internal void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
    {
        awaiter.UnsafeOnCompleted(GetMoveNext(ref stateMachine, awaiter));
    }

    private Action GetMoveNext<TAwaiter, TStateMachine>(ref TStateMachine stateMachine, TAwaiter awaiter)
        where TStateMachine : IAsyncStateMachine
    {
        _awaiting = awaiter is IDeferredAwaiter deferredAwaiter ? deferredAwaiter.Chain : null;
        _context = ExecutionContext.Capture();
        if (_moveNext is null)
        {
            // First suspension: box the state machine once. The builder inside the box already
            // points at this state, because the caller's builder stored it before this copy.
            _boxed = stateMachine;
            _moveNext = Resume;
        }
        return _moveNext;
    }
}

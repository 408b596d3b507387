using System.Net.Sockets;

namespace Torsion.Internet;

/// <summary>
/// A reusable <see cref="SocketAsyncEventArgs"/> whose completion is handed to the loop instead of run
/// where it happened. An owner keeps one per kind of operation (receive, send, accept), so a completion
/// costs no allocation: the object itself is what goes into the reactor's queue.
/// </summary>
internal sealed class SocketOperation : SocketAsyncEventArgs, ILoopCallback
{
    private readonly SocketsReactor _reactor;
    private readonly ISocketOwner _owner;

    // Completions never need the caller's ExecutionContext: they only queue themselves for the loop.
    internal SocketOperation(SocketsReactor reactor, ISocketOwner owner) : base(unsafeSuppressExecutionContextFlow: true)
    {
        _reactor = reactor;
        _owner = owner;
    }

    /// <summary>Runs on a runtime I/O thread: only queue, never touch owner state here.</summary>
    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        RuntimeEventThreads.OnCompletionThread();
        _reactor.Post(this);
    }

    /// <summary>Delivers the result to the owner, on the loop thread.</summary>
    internal void Dispatch() => _owner.Completed(this);

    /// <summary>A synchronous completion queued with CallSoon, so it is handled on a later pass, never inside the caller's stack.</summary>
    void ILoopCallback.Run() => Dispatch();
}

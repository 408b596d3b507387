namespace Torsion.Internet;

/// <summary>
/// A call another thread hands to the reactor thread that carries itself through the loop's queue
/// (<see cref="ReactorBase.CallFromThread(ThreadCall)"/>): no delegate, no queue slot. For our own assemblies'
/// hot paths (the connection pool hands every result back this way), not public: the queue keeps the last
/// call it ran as its anchor, so a call may be queued only once (see <see cref="ThreadCallQueue"/>).
/// </summary>
internal abstract class ThreadCall
{
    /// <summary>The call queued after this one; the queue's link, written by the thread that queues that call.</summary>
    internal ThreadCall? NextCall;

    /// <summary>Runs the call on the reactor thread.</summary>
    internal abstract void RunCall();
}

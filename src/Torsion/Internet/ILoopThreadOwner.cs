namespace Torsion.Internet;

/// <summary>
/// A reactor that can tell whether the calling thread is one of its loops, and which: a
/// <see cref="ReactorBase"/> or a <see cref="ReactorGroup"/>. Lets code at or above the contracts
/// (<c>ReactorThreads</c>, name resolution) ask without naming either.
/// </summary>
internal interface ILoopThreadOwner
{
    /// <summary>True on a thread running one of this reactor's loops.</summary>
    bool IsInLoopThread { get; }

    /// <summary>
    /// The loop that work started from the calling thread belongs to: the reactor itself, or for a
    /// group the loop whose thread is calling (its primary from any other thread).
    /// </summary>
    IReactor CallingLoop { get; }
}

namespace Torsion.Internet;

/// <summary>
/// A reactor that can tell whether the calling thread is one of its loops: a <see cref="ReactorBase"/>
/// or a <see cref="ReactorGroup"/>. Lets code above the contracts (<c>ReactorThreads</c>) ask without
/// naming either.
/// </summary>
internal interface ILoopThreadOwner
{
    /// <summary>True on a thread running one of this reactor's loops.</summary>
    bool IsInLoopThread { get; }
}

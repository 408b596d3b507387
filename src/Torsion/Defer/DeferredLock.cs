namespace Torsion.Defer;

/// <summary>
/// A lock for code that runs in callbacks (Twisted's <c>DeferredLock</c>): <c>Acquire</c> returns a
/// Deferred that fires, with the lock, once the lock is yours. Waiters are served in order.
/// </summary>
public sealed class DeferredLock : DeferredConcurrencyPrimitive<DeferredLock>
{
    /// <summary>True while someone holds the lock.</summary>
    public bool Locked { get; private set; }

    private protected override bool TryTake()
    {
        if (Locked)
        {
            return false;
        }
        Locked = true;
        return true;
    }

    private protected override void Give()
    {
        if (!Locked)
        {
            throw new InvalidOperationException("Release() of an unlocked DeferredLock.");
        }
        Locked = false;
    }
}

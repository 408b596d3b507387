namespace Torsion.Defer;

/// <summary>
/// A semaphore for code that runs in callbacks (Twisted's <c>DeferredSemaphore</c>): at most
/// <see cref="Limit"/> holders at a time, further <c>Acquire</c>s wait in order.
/// </summary>
public sealed class DeferredSemaphore : DeferredConcurrencyPrimitive<DeferredSemaphore>
{
    /// <summary>Creates a semaphore with <paramref name="tokens"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is less than 1.</exception>
    public DeferredSemaphore(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        Limit = tokens;
        Tokens = tokens;
    }

    /// <summary>The number of tokens the semaphore was created with.</summary>
    public int Limit { get; }

    /// <summary>The tokens currently free.</summary>
    public int Tokens { get; private set; }

    private protected override bool TryTake()
    {
        if (Tokens == 0)
        {
            return false;
        }
        Tokens--;
        return true;
    }

    private protected override void Give()
    {
        if (Tokens >= Limit)
        {
            throw new InvalidOperationException("Release() of a DeferredSemaphore that has all its tokens.");
        }
        Tokens++;
    }
}

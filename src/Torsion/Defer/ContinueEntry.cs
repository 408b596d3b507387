namespace Torsion.Defer;

/// <summary>
/// Twisted's <c>_CONTINUE</c>: the entry a waiting chain puts on the chain it waits for. The run
/// loop recognises it and moves the result across itself, iteratively, instead of calling
/// <see cref="Invoke"/>; that is what keeps arbitrarily deep chains off the call stack.
/// </summary>
internal sealed class ContinueEntry : ChainEntry
{
    internal ContinueEntry(DeferredChain waiter) => Waiter = waiter;

    /// <summary>The chain paused until this entry is reached.</summary>
    internal DeferredChain Waiter { get; }

    internal override object? Invoke(object? result) =>
        throw new InvalidOperationException("A continuation entry is handled by the run loop.");
}

using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Finds the chain behind a <see cref="Deferred{T}"/> of any result type, for code (the
/// <see cref="Cooperator"/>) that receives Deferreds as plain objects.
/// </summary>
internal static class AnyDeferred
{
    /// <summary>The chain of <paramref name="value"/> if it is a Deferred, otherwise null.</summary>
    // An interface rather than a walk over generic base types: no reflection, so it holds under trimming and Native AOT.
    internal static DeferredChain? ChainOf(object? value) => (value as IDeferredChainOwner)?.Chain;
}

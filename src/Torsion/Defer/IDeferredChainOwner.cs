namespace Torsion.Defer;

/// <summary>
/// Lets code that holds a <see cref="Deferred{T}"/> as a plain object (the cooperator's yielded values)
/// reach its chain without knowing <c>T</c>, and without reflection, so it works trimmed and AOT-compiled.
/// </summary>
internal interface IDeferredChainOwner
{
    /// <summary>The chain behind the Deferred.</summary>
    DeferredChain Chain { get; }
}

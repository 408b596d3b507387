namespace Torsion.Defer;

/// <summary>Lets an async method builder find the chain behind an awaiter of any result type.</summary>
internal interface IDeferredAwaiter
{
    /// <summary>The chain being awaited.</summary>
    DeferredChain Chain { get; }
}

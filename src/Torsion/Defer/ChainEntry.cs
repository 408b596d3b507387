namespace Torsion.Defer;

/// <summary>
/// One link of a <see cref="DeferredChain"/>: a callback/errback pair. Entries form an intrusive
/// singly-linked queue (<see cref="Next"/>), so adding a callback costs one allocation and
/// running the chain never shifts an array.
/// </summary>
internal abstract class ChainEntry
{
    /// <summary>The entry queued after this one.</summary>
    internal ChainEntry? Next;

    /// <summary>
    /// Runs the callback (or, when <paramref name="result"/> is a <see cref="Failure"/>, the
    /// errback) and returns the new result. Returning a <see cref="DeferredChain"/> asks the
    /// chain to wait for it. Exceptions are turned into a <see cref="Failure"/> by the caller.
    /// </summary>
    internal abstract object? Invoke(object? result);

    /// <summary>
    /// Converts an untyped chain result to <typeparamref name="T"/>. A result of <c>null</c> is
    /// Twisted's <c>None</c> (a consumed or moved result) and becomes <c>default</c>.
    /// </summary>
    internal static T Cast<T>(object? result) => result is null ? default! : (T)result;
}

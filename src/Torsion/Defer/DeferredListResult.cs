namespace Torsion.Defer;

/// <summary>One element of a <see cref="DeferredList{T}"/>'s result: Twisted's <c>(success, result)</c> pair, typed.</summary>
/// <param name="Success">True if the Deferred succeeded.</param>
/// <param name="Value">Its value when it succeeded.</param>
/// <param name="Failure">Its failure when it failed.</param>
public readonly record struct DeferredListResult<T>(bool Success, T? Value, Failure? Failure);

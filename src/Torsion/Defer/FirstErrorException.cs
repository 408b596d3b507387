namespace Torsion.Defer;

/// <summary>
/// The first failure among several Deferreds (Twisted's <c>FirstError</c>), raised by a
/// <see cref="DeferredList{T}"/> with <c>fireOnOneErrback</c> and by <see cref="Deferred.GatherResults{T}"/>.
/// </summary>
public sealed class FirstErrorException : Exception
{
    /// <summary>Creates the exception for <paramref name="failure"/> at position <paramref name="index"/>.</summary>
    public FirstErrorException(Failure failure, int index)
        : base($"FirstError[#{index}, {failure}]", failure?.Value)
    {
        SubFailure = failure ?? throw new ArgumentNullException(nameof(failure));
        Index = index;
    }

    /// <summary>The failure of the Deferred that failed first.</summary>
    public Failure SubFailure { get; }

    /// <summary>Its position in the list.</summary>
    public int Index { get; }
}

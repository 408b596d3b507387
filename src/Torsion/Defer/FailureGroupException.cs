namespace Torsion.Defer;

/// <summary>
/// Every one of several Deferreds failed (Twisted's <c>FailureGroup</c>, raised by
/// <see cref="Deferred.Race{T}"/>). Like an <see cref="AggregateException"/>, it carries all of them.
/// </summary>
public sealed class FailureGroupException : Exception
{
    /// <summary>Creates the exception; <paramref name="failures"/> are in the Deferreds' order.</summary>
    public FailureGroupException(IReadOnlyList<Failure> failures)
        : base($"All {failures?.Count} Deferreds failed.", failures is { Count: > 0 } ? failures[0].Value : null)
    {
        Failures = failures ?? throw new ArgumentNullException(nameof(failures));
    }

    /// <summary>The failures, in the order of the Deferreds that produced them.</summary>
    public IReadOnlyList<Failure> Failures { get; }
}

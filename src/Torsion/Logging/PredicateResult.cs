namespace Torsion.Logging;

/// <summary>
/// A filter predicate's verdict on one event (Twisted's <c>PredicateResult</c>). Predicates are
/// consulted in order; the first <see cref="Yes"/> or <see cref="No"/> decides, and an event that
/// gets only <see cref="Maybe"/> is passed on.
/// </summary>
public enum PredicateResult
{
    /// <summary>Pass the event on without consulting later predicates.</summary>
    Yes,

    /// <summary>Drop the event without consulting later predicates.</summary>
    No,

    /// <summary>No opinion; let the next predicate decide.</summary>
    Maybe,
}

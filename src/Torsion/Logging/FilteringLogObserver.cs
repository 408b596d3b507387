namespace Torsion.Logging;

/// <summary>
/// Passes events to another observer only if its predicates allow them (Twisted's
/// <c>FilteringLogObserver</c>). Predicates are asked in order: the first <see cref="PredicateResult.Yes"/>
/// passes the event, the first <see cref="PredicateResult.No"/> drops it, and an event every
/// predicate is unsure about passes.
/// </summary>
public sealed class FilteringLogObserver : ILogObserver
{
    private readonly ILogObserver _observer;
    private readonly ILogFilterPredicate[] _predicates;
    private readonly ILogObserver? _negativeObserver;

    /// <summary>Filters events for <paramref name="observer"/>.</summary>
    /// <param name="observer">Receives the events that pass.</param>
    /// <param name="predicates">The rules, asked in order.</param>
    /// <param name="negativeObserver">Receives the events that are dropped, if given.</param>
    public FilteringLogObserver(ILogObserver observer, IEnumerable<ILogFilterPredicate> predicates, ILogObserver? negativeObserver = null)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(predicates);
        _observer = observer;
        _predicates = [.. predicates];
        _negativeObserver = negativeObserver;
    }

    /// <summary>Filters events for <paramref name="observer"/> with <paramref name="predicates"/>, asked in order.</summary>
    public FilteringLogObserver(ILogObserver observer, params ILogFilterPredicate[] predicates)
        : this(observer, (IEnumerable<ILogFilterPredicate>)predicates)
    {
    }

    /// <summary>Passes to <paramref name="observer"/> the events for which <paramref name="predicate"/> returns true.</summary>
    public FilteringLogObserver(ILogObserver observer, Func<LogEvent, bool> predicate)
        : this(observer, new DelegatePredicate(predicate))
    {
    }

    /// <inheritdoc />
    public void Observe(LogEvent logEvent)
    {
        foreach (var predicate in _predicates)
        {
            switch (predicate.Evaluate(logEvent))
            {
                case PredicateResult.Yes:
                    _observer.Observe(logEvent);
                    return;
                case PredicateResult.No:
                    _negativeObserver?.Observe(logEvent);
                    return;
            }
        }
        _observer.Observe(logEvent);
    }

    private sealed class DelegatePredicate(Func<LogEvent, bool> predicate) : ILogFilterPredicate
    {
        private readonly Func<LogEvent, bool> _predicate = predicate ?? throw new ArgumentNullException(nameof(predicate));

        public PredicateResult Evaluate(LogEvent logEvent) => _predicate(logEvent) ? PredicateResult.Maybe : PredicateResult.No;
    }
}

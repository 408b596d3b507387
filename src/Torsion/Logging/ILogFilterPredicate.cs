namespace Torsion.Logging;

/// <summary>A rule a <see cref="FilteringLogObserver"/> applies to each event (Twisted's <c>ILogFilterPredicate</c>).</summary>
public interface ILogFilterPredicate
{
    /// <summary>Judges <paramref name="logEvent"/>. Called from any thread; must not throw.</summary>
    PredicateResult Evaluate(LogEvent logEvent);
}

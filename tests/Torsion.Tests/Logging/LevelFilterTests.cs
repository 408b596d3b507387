using Torsion.Logging;

namespace Torsion.Tests.Logging;

public sealed class LevelFilterTests
{
    private static LogEvent Event(string ns, LogLevel level) => new(DateTimeOffset.UnixEpoch, level, ns, "m");

    [Fact]
    public void DefaultLevelIsInfo()
    {
        var filter = new LogLevelFilterPredicate();
        Assert.Equal(LogLevel.Info, filter.LogLevelForNamespace("any.thing"));
        Assert.Equal(PredicateResult.No, filter.Evaluate(Event("any", LogLevel.Debug)));
        Assert.Equal(PredicateResult.Maybe, filter.Evaluate(Event("any", LogLevel.Info)));
    }

    [Fact]
    public void ChildNamespaceInheritsNearestAncestor()
    {
        var filter = new LogLevelFilterPredicate();
        filter.SetLogLevelForNamespace("a", LogLevel.Error);
        filter.SetLogLevelForNamespace("a.b.c", LogLevel.Debug);

        Assert.Equal(LogLevel.Error, filter.LogLevelForNamespace("a"));
        Assert.Equal(LogLevel.Error, filter.LogLevelForNamespace("a.b"));
        Assert.Equal(LogLevel.Debug, filter.LogLevelForNamespace("a.b.c"));
        Assert.Equal(LogLevel.Debug, filter.LogLevelForNamespace("a.b.c.d"));
        Assert.Equal(LogLevel.Info, filter.LogLevelForNamespace("ab"));
    }

    [Fact]
    public void ChangingALevelInvalidatesCachedLookups()
    {
        var filter = new LogLevelFilterPredicate();
        Assert.Equal(LogLevel.Info, filter.LogLevelForNamespace("x.y"));
        filter.SetLogLevelForNamespace("x", LogLevel.Warn);
        Assert.Equal(LogLevel.Warn, filter.LogLevelForNamespace("x.y"));
        filter.ClearLogLevels();
        Assert.Equal(LogLevel.Info, filter.LogLevelForNamespace("x.y"));
        filter.DefaultLogLevel = LogLevel.Critical;
        Assert.Equal(LogLevel.Critical, filter.LogLevelForNamespace("x.y"));
    }

    [Fact]
    public void FilteringObserverPassesOnlyWhatPredicatesAllow()
    {
        var kept = new EventCollector();
        var dropped = new EventCollector();
        var levels = new LogLevelFilterPredicate();
        levels.SetLogLevelForNamespace("noisy", LogLevel.Error);
        var observer = new FilteringLogObserver(kept, [levels], dropped);

        observer.Observe(Event("noisy.part", LogLevel.Warn));
        observer.Observe(Event("noisy.part", LogLevel.Error));
        observer.Observe(Event("quiet", LogLevel.Info));
        observer.Observe(Event("quiet", LogLevel.Debug));

        Assert.Equal([("noisy.part", LogLevel.Error), ("quiet", LogLevel.Info)], kept.Events.Select(e => (e.Namespace, e.Level)));
        Assert.Equal([("noisy.part", LogLevel.Warn), ("quiet", LogLevel.Debug)], dropped.Events.Select(e => (e.Namespace, e.Level)));
    }

    [Fact]
    public void FirstDecisivePredicateWins()
    {
        var kept = new EventCollector();
        var yesForAudit = new FixedPredicate(e => e.Namespace == "audit" ? PredicateResult.Yes : PredicateResult.Maybe);
        var observer = new FilteringLogObserver(kept, yesForAudit, new LogLevelFilterPredicate(LogLevel.Critical));

        observer.Observe(Event("audit", LogLevel.Debug));
        observer.Observe(Event("other", LogLevel.Error));

        Assert.Equal(["audit"], kept.Events.Select(e => e.Namespace));
    }

    [Fact]
    public void DelegatePredicateFilters()
    {
        var kept = new EventCollector();
        var observer = new FilteringLogObserver(kept, e => e.Level != LogLevel.Warn);
        observer.Observe(Event("a", LogLevel.Warn));
        observer.Observe(Event("a", LogLevel.Info));
        Assert.Equal([LogLevel.Info], kept.Events.Select(e => e.Level));
    }

    private sealed class FixedPredicate(Func<LogEvent, PredicateResult> judge) : ILogFilterPredicate
    {
        public PredicateResult Evaluate(LogEvent logEvent) => judge(logEvent);
    }
}

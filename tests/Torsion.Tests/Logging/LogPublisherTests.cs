using Torsion.Logging;

namespace Torsion.Tests.Logging;

public sealed class LogPublisherTests
{
    private static LogEvent Event(string format = "m") => new(DateTimeOffset.UnixEpoch, LogLevel.Info, "t", format);

    [Fact]
    public void FansOutToEveryObserverInOrder()
    {
        var order = new List<string>();
        var publisher = new LogPublisher(new Recording("a", order), new Recording("b", order));
        publisher.Observe(Event());
        Assert.Equal(["a", "b"], order);
    }

    [Fact]
    public void AddingTwiceRegistersOnceAndRemovedObserverStopsReceiving()
    {
        var collector = new EventCollector();
        var publisher = new LogPublisher();
        publisher.AddObserver(collector);
        publisher.AddObserver(collector);
        publisher.Observe(Event());
        publisher.RemoveObserver(collector);
        publisher.RemoveObserver(collector);
        publisher.Observe(Event());
        Assert.Equal(1, collector.Count);
        Assert.Empty(publisher.Observers);
    }

    [Fact]
    public void ThrowingObserverIsKeptReportedOnceAndDoesNotReachEmitter()
    {
        var broken = new ThrowingObserver();
        var collector = new EventCollector();
        var publisher = new LogPublisher(broken, collector);

        publisher.Observe(Event("one"));
        publisher.Observe(Event("two"));

        Assert.Equal(2, broken.Calls);
        Assert.Contains(broken, publisher.Observers);
        var seen = collector.Events;
        Assert.Equal(["one", "two"], seen.Where(e => e.Namespace == "t").Select(e => e.Format));
        var report = Assert.Single(seen, e => e.Namespace == typeof(LogPublisher).FullName);
        Assert.Equal(LogLevel.Critical, report.Level);
        Assert.IsType<InvalidOperationException>(report.Failure!.Value);
        Assert.Same(broken, report.Fields["observer"]);
    }

    [Fact]
    public void ObserverThatRecoversIsReportedAgainOnItsNextFailure()
    {
        var broken = new ThrowingObserver();
        var collector = new EventCollector();
        var publisher = new LogPublisher(broken, collector);

        publisher.Observe(Event());
        broken.Broken = false;
        publisher.Observe(Event());
        broken.Broken = true;
        publisher.Observe(Event());

        Assert.Equal(2, collector.Events.Count(e => e.Namespace == typeof(LogPublisher).FullName));
    }

    [Fact]
    public void LevelFilterDropsEventsBeforeObservers()
    {
        var collector = new EventCollector();
        var publisher = new LogPublisher(collector) { LevelFilter = new LogLevelFilterPredicate(LogLevel.Warn) };
        publisher.Observe(new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Info, "t", "no"));
        publisher.Observe(new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Warn, "t", "yes"));
        Assert.Equal(["yes"], collector.Events.Select(e => e.Format));
    }

    private sealed class Recording(string name, List<string> order) : ILogObserver
    {
        public void Observe(LogEvent logEvent) => order.Add(name);
    }
}

using Torsion.Defer;
using Torsion.Logging;

namespace Torsion.Tests.Logging;

// Inside Torsion.Tests the simple name Logger means this namespace; the alias picks the type.
using Logger = Logger;

public sealed class LoggerTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 22, 20, 15, 50, TimeSpan.Zero);

    [Fact]
    public void EmitsTemplateFieldsNamespaceLevelTimeAndSource()
    {
        var collector = new EventCollector();
        var source = new object();
        var log = new Logger("app.server", collector, source, new ManualTimeProvider(s_time));

        log.Info("Listening on {port}", ("port", 8080));

        var e = Assert.Single(collector.Events);
        Assert.Equal(LogLevel.Info, e.Level);
        Assert.Equal("app.server", e.Namespace);
        Assert.Equal("Listening on {port}", e.Format);
        Assert.Equal(8080, e.Fields["port"]);
        Assert.Equal(s_time, e.Time);
        Assert.Same(source, e.Source);
        Assert.Equal("Listening on 8080", e.FormatMessage());
    }

    [Fact]
    public void EachLevelMethodEmitsItsLevel()
    {
        var collector = new EventCollector();
        var log = new Logger("t", collector);
        log.Debug("d");
        log.Info("i");
        log.Warn("w");
        log.Error("e");
        log.Critical("c");
        Assert.Equal([LogLevel.Debug, LogLevel.Info, LogLevel.Warn, LogLevel.Error, LogLevel.Critical], collector.Events.Select(e => e.Level));
    }

    [Fact]
    public void AnonymousObjectFieldsBecomeFields()
    {
        var collector = new EventCollector();
        new Logger("t", collector).Warn("{user} failed login from {ip}", new { user = "bob", ip = "10.1.2.3" });
        var e = Assert.Single(collector.Events);
        Assert.Equal("bob failed login from 10.1.2.3", e.FormatMessage());
        Assert.Equal("bob", e.Fields["user"]);
    }

    [Fact]
    public void FailureIsAttachedAndDefaultsToCritical()
    {
        var collector = new EventCollector();
        var failure = new Failure(new TimeoutException("too slow"));
        new Logger("t", collector).Failure("Request {id} failed", failure, fields: ("id", 7));
        var e = Assert.Single(collector.Events);
        Assert.Same(failure, e.Failure);
        Assert.Equal(LogLevel.Critical, e.Level);
        Assert.Equal("Request 7 failed", e.FormatMessage());
    }

    [Fact]
    public void FailureFromExceptionAtChosenLevel()
    {
        var collector = new EventCollector();
        new Logger("t", collector).Failure("oops", new InvalidOperationException("bad"), LogLevel.Warn);
        var e = Assert.Single(collector.Events);
        Assert.Equal(LogLevel.Warn, e.Level);
        Assert.IsType<InvalidOperationException>(e.Failure!.Value);
    }

    [Fact]
    public void DisabledLevelBuildsNoEventAndLeavesFieldObjectUnread()
    {
        var publisher = new LogPublisher { LevelFilter = new LogLevelFilterPredicate(LogLevel.Info) };
        var collector = new EventCollector();
        publisher.AddObserver(collector);
        var log = new Logger("t", publisher);
        var fields = new CountingFields();

        Assert.False(log.IsEnabled(LogLevel.Debug));
        log.Debug("x {Value}", fields);
        Assert.Equal(0, fields.Reads);
        Assert.Equal(0, collector.Count);

        publisher.LevelFilter.SetLogLevelForNamespace("t", LogLevel.Debug);
        Assert.True(log.IsEnabled(LogLevel.Debug));
        log.Debug("x {Value}", fields);
        Assert.Equal(1, fields.Reads);
        Assert.Equal("x 1", Assert.Single(collector.Events).FormatMessage());
    }

    [Fact]
    public void ForTypeUsesFullTypeName() =>
        Assert.Equal(typeof(LoggerTests).FullName, Logger.For<LoggerTests>().Namespace);

    [Fact]
    public void RepeatedFieldNameKeepsLastValue()
    {
        var collector = new EventCollector();
        new Logger("t", collector).Info("{a}", ("a", 1), ("a", 2));
        Assert.Equal("2", Assert.Single(collector.Events).FormatMessage());
    }

    private sealed class CountingFields
    {
        public int Reads { get; private set; }

        public int Value => ++Reads;
    }
}

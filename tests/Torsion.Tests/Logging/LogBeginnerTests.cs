using Torsion.Logging;

namespace Torsion.Tests.Logging;

// Inside Torsion.Tests the simple name Logger means this namespace; the alias picks the type.
using Logger = Logger;

public sealed class LogBeginnerTests
{
    [Fact]
    public void EventsBeforeBeginningAreReplayedToFirstObserversInOrder()
    {
        var publisher = new LogPublisher();
        var beginner = new LogBeginner(publisher, new StringWriter());
        var log = new Logger("early", publisher);
        log.Info("one");
        log.Warn("two");

        var target = new EventCollector();
        beginner.BeginLoggingTo(target);
        log.Info("three");

        Assert.True(beginner.HasBegun);
        Assert.Equal(["one", "two", "three"], target.Events.Select(e => e.Format));
        Assert.Equal([target], publisher.Observers);
    }

    [Fact]
    public void BufferKeepsOnlyTheMostRecentEvents()
    {
        var publisher = new LogPublisher();
        var beginner = new LogBeginner(publisher, new StringWriter(), bufferSize: 3);
        var log = new Logger("early", publisher);
        for (var i = 0; i < 10; i++)
        {
            log.Info("{i}", ("i", i));
        }
        var target = new EventCollector();
        beginner.BeginLoggingTo(target);
        Assert.Equal(["7", "8", "9"], target.Events.Select(e => e.FormatMessage()));
    }

    [Fact]
    public void OnlyErrorsAreEchoedToStandardErrorBeforeBeginning()
    {
        var publisher = new LogPublisher();
        var stderr = new StringWriter();
        var beginner = new LogBeginner(publisher, stderr);
        var log = new Logger("early", publisher);
        log.Info("quiet");
        log.Error("loud {n}", ("n", 1));
        log.Critical("louder");
        beginner.BeginLoggingTo(new EventCollector());
        log.Error("after");

        var text = stderr.ToString();
        Assert.DoesNotContain("quiet", text, StringComparison.Ordinal);
        Assert.Contains("[early#error] loud 1", text, StringComparison.Ordinal);
        Assert.Contains("[early#critical] louder", text, StringComparison.Ordinal);
        Assert.DoesNotContain("after", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondBeginAddsObserversWithoutReplayAndWarns()
    {
        var publisher = new LogPublisher();
        var beginner = new LogBeginner(publisher, new StringWriter());
        new Logger("early", publisher).Info("buffered");
        var first = new EventCollector();
        var second = new EventCollector();
        beginner.BeginLoggingTo(first);
        beginner.BeginLoggingTo(second);

        Assert.DoesNotContain(second.Events, e => e.Format == "buffered");
        Assert.Contains(first.Events, e => e.Format == "buffered");
        Assert.Contains(first.Events, e => e.Level == LogLevel.Warn && e.Namespace == typeof(LogBeginner).FullName);
        Assert.Equal(2, publisher.Observers.Count);
    }

    [Fact]
    public void DiscardBufferSkipsReplay()
    {
        var publisher = new LogPublisher();
        var beginner = new LogBeginner(publisher, new StringWriter());
        new Logger("early", publisher).Info("buffered");
        var target = new EventCollector();
        beginner.BeginLoggingTo([target], discardBuffer: true);
        Assert.Empty(target.Events);
    }

    [Fact]
    public void EventsRacingTheHandOverArriveExactlyOnce()
    {
        var publisher = new LogPublisher();
        var beginner = new LogBeginner(publisher, new StringWriter(), bufferSize: 1_000_000);
        var log = new Logger("race", publisher);
        const int perThread = 20_000;
        using var start = new Barrier(3);
        var emitters = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            for (var i = 0; i < perThread; i++)
            {
                log.Info("{t}/{i}", ("t", t), ("i", i));
            }
        })).ToList();
        emitters.ForEach(t => t.Start());
        var target = new EventCollector();
        start.SignalAndWait(TestContext.Current.CancellationToken);
        beginner.BeginLoggingTo(target);
        emitters.ForEach(t => t.Join());

        var texts = target.Events.Select(e => e.FormatMessage()).ToList();
        Assert.Equal(2 * perThread, texts.Count);
        Assert.Equal(2 * perThread, texts.Distinct().Count());
    }
}

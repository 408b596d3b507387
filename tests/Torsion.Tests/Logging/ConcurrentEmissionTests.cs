using Torsion.Logging;

namespace Torsion.Tests.Logging;

// Inside Torsion.Tests the simple name Logger means this namespace; the alias picks the type.
using Logger = Logger;

public sealed class ConcurrentEmissionTests
{
    private const int Threads = 8;
    private const int PerThread = 5_000;

    [Fact]
    public void EightThreadsLoseNoEventsWhileObserversComeAndGo()
    {
        var collector = new EventCollector();
        var publisher = new LogPublisher(collector);
        var log = new Logger("stress", publisher);
        using var start = new Barrier(Threads + 1);
        var emitted = new int[Threads];

        var emitters = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            for (var i = 0; i < PerThread; i++)
            {
                log.Info("event {thread} {i}", ("thread", t), ("i", i));
                emitted[t]++;
            }
        })).ToList();
        emitters.ForEach(t => t.Start());

        // Churn the observer list while the emitters run: copy-on-write must never drop the
        // observer that stays registered throughout.
        start.SignalAndWait(TestContext.Current.CancellationToken);
        var churn = new EventCollector();
        while (emitters.Exists(t => t.IsAlive))
        {
            publisher.AddObserver(churn);
            publisher.RemoveObserver(churn);
        }
        emitters.ForEach(t => t.Join());

        Assert.All(emitted, n => Assert.Equal(PerThread, n));
        Assert.Equal(Threads * PerThread, collector.Count);
        // Every (thread, i) pair arrived exactly once.
        var distinct = collector.Events.Select(e => ((int)e.Fields["thread"]!, (int)e.Fields["i"]!)).Distinct().Count();
        Assert.Equal(Threads * PerThread, distinct);
        Assert.Equal([collector], publisher.Observers);
    }

    [Fact]
    public void ConcurrentWritersToOneTextObserverNeverInterleaveLines()
    {
        var writer = new StringWriter();
        var observer = new TextFileLogObserver(writer, timeZone: TimeZoneInfo.Utc);
        var log = new Logger("t", new LogPublisher(observer));
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                log.Info("thread {t} line {i} with some padding to make tearing likely", ("t", t), ("i", i));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Threads * 500, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\S+ \[t#info\] thread \d line \d+ with some padding to make tearing likely$", l));
    }
}

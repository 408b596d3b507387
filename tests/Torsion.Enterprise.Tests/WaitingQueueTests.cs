using System.Runtime.CompilerServices;

namespace Torsion.Enterprise.Tests;

/// <summary>
/// The pool's queue of waiting work (WaitingQueue): with several takers racing one producer each piece is taken
/// once and in order, counting while others take ends, and work that has left the queue does not keep the work
/// queued after it alive (a promoted piece that did would make every young collection promote all the work
/// queued since, with its Deferreds and closures).
/// </summary>
public sealed class WaitingQueueTests
{
    [Fact]
    public void TakenWorkNoLongerLinksToTheWorkAfterIt()
    {
        var queue = new WaitingQueue();
        var first = new QueuedTestWork(1);
        var second = new QueuedTestWork(2);
        var third = new QueuedTestWork(3);
        queue.Enqueue(first);
        queue.Enqueue(second);
        queue.Enqueue(third);
        Assert.Same(first, queue.TryDequeue());
        Assert.Same(second, queue.TryDequeue());
        Assert.NotSame(third, first.NextWaiting);
        Assert.NotSame(second, first.NextWaiting);
        Assert.Equal(1, queue.CountWaiting());
        Assert.Same(third, queue.TryDequeue());
        Assert.Null(queue.TryDequeue());
        Assert.Equal(0, queue.CountWaiting());
        var fourth = new QueuedTestWork(4);
        queue.Enqueue(fourth);
        Assert.Equal(1, queue.CountWaiting());
        Assert.Same(fourth, queue.TryDequeue());
    }

    [Fact]
    public void OldWorkThatLeftTheQueueDoesNotKeepYoungerWorkAlive()
    {
        var queue = new WaitingQueue();
        var old = new QueuedTestWork(0);
        queue.Enqueue(old);
        GC.Collect();
        GC.Collect();
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(old));
        var young = QueueAndTakeYoungWork(queue, old);
        GC.KeepAlive(old);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        Assert.False(young.IsAlive, "work taken from the queue was kept alive by older work taken before it");
    }

    [Fact]
    public void ThreeTakersRacingTheProducerTakeEachPieceOnceAndInOrder()
    {
        const int Pieces = 200_000, Takers = 3;
        var queue = new WaitingQueue();
        var taken = new int[Pieces];
        var outOfOrder = 0;
        var produced = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var takers = Enumerable.Range(0, Takers).Select(_ => new Thread(() =>
        {
            var last = -1;
            while (DateTime.UtcNow < deadline)
            {
                // Read before the take: once everything was queued, an empty queue means all was taken.
                var allQueued = Volatile.Read(ref produced) == Pieces;
                if (queue.TryDequeue() is not QueuedTestWork work)
                {
                    if (allQueued)
                    {
                        return;
                    }
                    continue;
                }
                Interlocked.Increment(ref taken[work.N]);
                if (work.N <= last)
                {
                    Interlocked.Increment(ref outOfOrder);
                }
                last = work.N;
            }
        }) { IsBackground = true }).ToList();
        takers.ForEach(t => t.Start());
        var counts = 0;
        for (var i = 0; i < Pieces; i++)
        {
            queue.Enqueue(new QueuedTestWork(i));
            if (i % 1000 == 0)
            {
                // Counting walks the links the takers are unlinking behind it: it must end, with a sane answer.
                var waiting = queue.CountWaiting();
                Assert.InRange(waiting, 0, i + 1);
                counts++;
            }
        }
        Volatile.Write(ref produced, Pieces);
        foreach (var t in takers)
        {
            Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a taker did not finish");
        }
        Assert.Equal(Pieces / 1000, counts);
        Assert.All(taken, n => Assert.Equal(1, n));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, queue.CountWaiting());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference QueueAndTakeYoungWork(WaitingQueue queue, QueuedWork old)
    {
        var young = new QueuedTestWork(1);
        queue.Enqueue(young);
        queue.Enqueue(new QueuedTestWork(2));
        Assert.Same(old, queue.TryDequeue());
        Assert.Same(young, queue.TryDequeue());
        Assert.NotNull(queue.TryDequeue());
        return new WeakReference(young);
    }
}

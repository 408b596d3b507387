using System.Runtime.CompilerServices;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// ThreadCallQueue and garbage: a call that has left the queue must not keep the calls queued after it alive. A
/// call the collector promoted to an old generation is only collected by an old collection; if it still linked
/// to the next call, every young collection would keep (and promote) all the calls queued since, and with them
/// the results they carry: the connection pool's results made every second collection a generation-1 one.
/// </summary>
public sealed class ThreadCallQueueTests
{
    [Fact]
    public void ACallThatLeftTheQueueForgetsTheNextOne()
    {
        var queue = new ThreadCallQueue();
        var first = new TestThreadCall(() => { }, 1);
        var second = new TestThreadCall(() => { }, 2);
        var third = new TestThreadCall(() => { }, 3);
        queue.Enqueue(first);
        queue.Enqueue(second);
        queue.Enqueue(third);
        Assert.Same(first, queue.TryDequeue());
        Assert.Same(second, queue.TryDequeue());
        // first has left for good (second is now the queue's head); second still links to third, still queued.
        Assert.Null(first.NextCall);
        Assert.Same(third, second.NextCall);
        Assert.Same(third, queue.TryDequeue());
        Assert.Null(second.NextCall);
        Assert.Null(queue.TryDequeue());
        Assert.True(queue.IsEmpty);
        // The queue still works from the call it holds as its head.
        var fourth = new TestThreadCall(() => { }, 4);
        queue.Enqueue(fourth);
        Assert.Same(fourth, queue.TryDequeue());
    }

    [Fact]
    public void AnOldCallThatLeftTheQueueDoesNotKeepYoungerCallsAlive()
    {
        var queue = new ThreadCallQueue();
        var old = new TestThreadCall(() => { }, 0);
        queue.Enqueue(old);
        // Promoted as far as it goes while the queue holds it, as a call in flight during collections is.
        GC.Collect();
        GC.Collect();
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(old));
        var young = QueueAndTakeYoungCalls(queue, old);
        GC.KeepAlive(old);
        // old is unreachable now but, in the oldest generation, outlives a young collection, where its fields
        // are roots: the calls taken after it must still be collected.
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        Assert.False(young.IsAlive, "a call taken from the queue was kept alive by an older call taken before it");
    }

    // Queues two young calls behind old, takes all three, and returns a weak reference to the first young one,
    // no longer reachable but through old's link (if it kept one). Not inlined, so no local of the test keeps it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference QueueAndTakeYoungCalls(ThreadCallQueue queue, ThreadCall old)
    {
        var young = new TestThreadCall(() => { }, 1);
        queue.Enqueue(young);
        queue.Enqueue(new TestThreadCall(() => { }, 2));
        Assert.Same(old, queue.TryDequeue());
        Assert.Same(young, queue.TryDequeue());
        Assert.NotNull(queue.TryDequeue());
        return new WeakReference(young);
    }
}

using Torsion.Internet;

namespace Torsion.Tests.Internet.Pipes;

/// <summary>
/// The threads behind thread-driven pipes: loops that block at the same time each have a thread of their own,
/// and a thread whose loop has finished serves the next one instead of a new thread being started.
/// </summary>
public sealed class PipeLayerThreadTests
{
    [Fact]
    public void LoopsThatBlockTogetherEachHaveAThread()
    {
        const int Loops = 24;
        using var barrier = new Barrier(Loops + 1);
        var met = 0;
        var token = TestContext.Current.CancellationToken;
        for (var i = 0; i < Loops; i++)
        {
            PipeThreads.Run(() =>
            {
                if (barrier.SignalAndWait(TimeSpan.FromSeconds(20), token))
                {
                    Interlocked.Increment(ref met);
                }
            });
        }
        Assert.True(barrier.SignalAndWait(TimeSpan.FromSeconds(20), token), "the loops did not all run at once");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref met) < Loops && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }
        Assert.Equal(Loops, Volatile.Read(ref met));
    }

    [Fact]
    public void AFinishedThreadServesTheNextLoop()
    {
        const int Loops = 100;
        var threads = new HashSet<int>();
        for (var i = 0; i < Loops; i++)
        {
            using var done = new ManualResetEventSlim();
            var id = 0;
            var name = "";
            PipeThreads.Run(() =>
            {
                id = Environment.CurrentManagedThreadId;
                name = Thread.CurrentThread.Name ?? "";
                done.Set();
            });
            Assert.True(done.Wait(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken), $"loop {i} did not run");
            Assert.NotEqual(Environment.CurrentManagedThreadId, id);
            Assert.Equal("torsion-pipe", name);
            threads.Add(id);
            // Let the thread get back to the idle list (other tests' pipes may take it meanwhile: that is reuse too).
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (PipeThreads.IdleCount == 0 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }
        }
        Assert.True(threads.Count < Loops / 2, $"{Loops} loops one after another ran on {threads.Count} threads");
    }
}

using Torsion.Internet;

namespace Torsion.Tests.Internet.Tls;

/// <summary>Counts user callbacks that ran off the reactor's loop thread; the TLS layer promises none do.</summary>
public sealed class LoopThreadCheck(IReactor reactor)
{
    private int _calls;
    private readonly List<string> _offLoop = new();

    public void Here(string what)
    {
        Interlocked.Increment(ref _calls);
        if (!((ReactorBase)reactor).IsInLoopThread)
        {
            lock (_offLoop) _offLoop.Add($"{what} on thread {Environment.CurrentManagedThreadId}");
        }
        // An await in protocol code must resume on the loop, so the loop's context must be current.
        if (SynchronizationContext.Current?.GetType().Name != "ReactorSynchronizationContext")
        {
            lock (_offLoop) _offLoop.Add($"{what} without the reactor's SynchronizationContext");
        }
    }

    public void AssertAllOnLoop()
    {
        Assert.True(_calls > 0, "No callback was checked.");
        Assert.Empty(_offLoop);
        // SslStream's continuations must have run inline, not been rescued from the thread pool.
        Assert.Equal(0, Torsion.Internet.TlsProtocolWrapper.OffLoopContinuations);
    }
}

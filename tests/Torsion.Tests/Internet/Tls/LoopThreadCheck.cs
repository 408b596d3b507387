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
    }

    public void AssertAllOnLoop()
    {
        Assert.True(_calls > 0, "No callback was checked.");
        Assert.Empty(_offLoop);
    }
}

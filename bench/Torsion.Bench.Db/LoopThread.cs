using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Bench.Db;

/// <summary>
/// One reactor running on a thread of its own for the whole run, so every pooled row lives on it between its
/// blocks and the main thread runs the direct rows (the loop sleeps meanwhile).
/// </summary>
internal sealed class LoopThread : IDisposable
{
    private readonly Thread _thread;

    public LoopThread()
    {
        Reactor = Reactors.Create();
        using var running = new ManualResetEventSlim();
        Reactor.CallWhenRunning(() =>
        {
            Affinity.PinCurrentThread(Affinity.LoopCpu);
            running.Set();
        });
        _thread = new Thread(Reactor.Run) { Name = "bench-reactor", IsBackground = true };
        _thread.Start();
        running.Wait();
    }

    /// <summary>The reactor.</summary>
    public IReactor Reactor { get; }

    /// <summary>Runs <paramref name="start"/> on the loop and waits for the Deferred it returns.</summary>
    public T Await<T>(Func<Deferred<T>> start)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Reactor.CallFromThread(() =>
        {
            try
            {
                start().AddBoth(outcome =>
                {
                    if (outcome.Failure is { } f)
                    {
                        done.SetException(f.Value);
                    }
                    else
                    {
                        done.SetResult(outcome.Value!);
                    }
                    return Unit.Value;
                });
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="f"/> on the loop and waits for its value.</summary>
    public T Invoke<T>(Func<T> f) => Await(() => Deferred.Succeed(f()));

    public void Dispose()
    {
        Reactor.CallFromThread(Reactor.Stop);
        _thread.Join();
    }
}

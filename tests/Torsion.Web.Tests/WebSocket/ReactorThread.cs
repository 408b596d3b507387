using Torsion.Internet;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>
/// A reactor running on its own thread for the length of a test, so the test's thread can use blocking
/// sockets and child processes and call into the reactor with <see cref="Call{T}"/>. Dispose stops it
/// once and joins the thread.
/// </summary>
internal sealed class ReactorThread : IDisposable
{
    private readonly Thread _thread;
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _crash;
    private bool _stopped;

    public ReactorThread()
    {
        Reactor = Reactors.Create();
        _thread = new Thread(() =>
        {
            try
            {
                Reactor.CallWhenRunning(() => _running.TrySetResult());
                ((ReactorBase)Reactor).Run(installSignalHandlers: false);
            }
            catch (Exception e)
            {
                _crash = e;
                _running.TrySetException(e);
            }
        }) { IsBackground = true, Name = "test reactor" };
        _thread.Start();
        Assert.True(_running.Task.Wait(TimeSpan.FromSeconds(60)), "The reactor did not start.");
    }

    public IReactor Reactor { get; }

    /// <summary>Runs <paramref name="action"/> on the reactor thread and waits for its result.</summary>
    public T Call<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Reactor.CallFromThread(() =>
        {
            try
            {
                done.SetResult(action());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        Assert.True(done.Task.Wait(TimeSpan.FromSeconds(60)), "The reactor did not run the call.");
        return done.Task.Result;
    }

    /// <summary>Runs <paramref name="action"/> on the reactor thread and waits for it.</summary>
    public void Call(Action action) => Call(() =>
    {
        action();
        return 0;
    });

    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        Reactor.CallFromThread(() => Reactor.Stop());
        Assert.True(_thread.Join(TimeSpan.FromSeconds(60)), "The reactor did not stop.");
        if (_crash is not null)
        {
            throw new InvalidOperationException("The reactor crashed.", _crash);
        }
    }
}

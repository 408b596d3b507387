using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>
/// A real reactor running on a background thread, so a test can use plain blocking socket clients
/// on its own thread and reach into the loop with <see cref="Call{T}"/>. Every wait has a timeout.
/// </summary>
internal sealed class PluginReactorRunner : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Thread _thread;
    private Exception? _runError;

    public PluginReactorRunner(string? backend = null)
    {
        var info = Reactors.Get(backend ?? Reactors.DefaultName);
        if (info.UnsupportedReason is { } why)
        {
            Assert.Skip($"The {info.Name} reactor cannot run here: {why}");
        }
        Reactor = info.Create();
        var running = new ManualResetEventSlim();
        Reactor.CallWhenRunning(running.Set);
        _thread = new Thread(() =>
        {
            try
            {
                ((ReactorBase)Reactor).Run(installSignalHandlers: false);
            }
            catch (Exception e)
            {
                _runError = e;
            }
        })
        {
            IsBackground = true,
            Name = $"plugin test reactor ({info.Name})",
        };
        _thread.Start();
        if (!running.Wait(Timeout))
        {
            throw new TimeoutException($"The {info.Name} reactor did not start within {Timeout}.", _runError);
        }
    }

    public IReactor Reactor { get; }

    /// <summary>Runs <paramref name="f"/> on the loop thread and returns its result (or throws its exception).</summary>
    public T Call<T>(Func<T> f)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Reactor.CallFromThread(() =>
        {
            try
            {
                done.SetResult(f());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.WaitAsync(Timeout).GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="a"/> on the loop thread.</summary>
    public void Call(Action a) => Call(() =>
    {
        a();
        return 0;
    });

    /// <summary>Starts what <paramref name="start"/> returns on the loop thread and waits for the Deferred to fire.</summary>
    public T Await<T>(Func<Deferred<T>> start)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Call(() => start().AddBoth(outcome =>
        {
            if (outcome.Succeeded)
            {
                done.SetResult(outcome.Value);
            }
            else
            {
                done.SetException(outcome.Failure!.Value);
            }
            return Unit.Value;
        }));
        return done.Task.WaitAsync(Timeout).GetAwaiter().GetResult();
    }

    /// <summary>Waits until <paramref name="condition"/>, checked on the loop thread every few milliseconds, holds.</summary>
    public void WaitUntil(Func<bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LoopingCall? loop = null;
        Call(() =>
        {
            loop = new LoopingCall(Reactor, () =>
            {
                if (condition())
                {
                    loop!.Stop();
                    done.TrySetResult();
                }
            });
            loop.Start(0.005);
        });
        if (!done.Task.Wait(Timeout))
        {
            Call(() =>
            {
                if (loop!.Running)
                {
                    loop.Stop();
                }
            });
            throw new TimeoutException($"Timed out after {Timeout} waiting until {what}.");
        }
    }

    public void Dispose()
    {
        if (_thread.IsAlive)
        {
            Reactor.CallFromThread(() =>
            {
                if (Reactor.Running)
                {
                    Reactor.Stop();
                }
            });
            if (!_thread.Join(Timeout))
            {
                throw new TimeoutException($"The {Reactor.Name} reactor did not stop within {Timeout}.");
            }
        }
        (Reactor as IDisposable)?.Dispose();
        if (_runError is not null)
        {
            throw new InvalidOperationException("The reactor's Run threw.", _runError);
        }
    }
}

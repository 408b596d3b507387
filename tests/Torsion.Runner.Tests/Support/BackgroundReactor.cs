using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Runner.Tests.Support;

/// <summary>
/// A reactor running on a thread of its own, so a test can drive real clients from its own thread
/// while services run on the loop. Every wait has a timeout: a broken test fails, it does not hang.
/// </summary>
public sealed class BackgroundReactor : IDisposable
{
    /// <summary>How long any wait on the loop may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly Thread _thread;
    private Exception? _runError;

    /// <summary>Creates a reactor of backend <paramref name="name"/> (the default if null) and waits until it runs.</summary>
    public BackgroundReactor(string? name = null)
    {
        var info = Reactors.Get(name ?? Reactors.DefaultName);
        Torsion.TestSupport.Backends.Require(info);
        Reactor = info.Create();
        using var running = new ManualResetEventSlim();
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
        { IsBackground = true, Name = $"test {Reactor.Name} reactor" };
        _thread.Start();
        if (!running.Wait(Timeout))
        {
            throw new TimeoutException($"The {Reactor.Name} reactor did not start: {_runError}");
        }
    }

    public IReactor Reactor { get; }

    /// <summary>Runs <paramref name="f"/> on the reactor thread and returns its result.</summary>
    public T Call<T>(Func<T> f) => CallDeferred(() => Deferred.Succeed(f()));

    /// <summary>Runs <paramref name="f"/> on the reactor thread.</summary>
    public void Call(Action f) => Call(() =>
    {
        f();
        return 0;
    });

    /// <summary>Runs <paramref name="f"/> on the reactor thread and waits until the Deferred it returns fires.</summary>
    public T CallDeferred<T>(Func<Deferred<T>> f)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Reactor.CallFromThread(() =>
        {
            try
            {
                f().AddBoth(outcome =>
                {
                    if (outcome.Succeeded)
                    {
                        done.SetResult(outcome.Value);
                    }
                    else
                    {
                        done.SetException(outcome.Failure!.Value);
                    }
                    return 0;
                });
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        if (!done.Task.Wait(Timeout))
        {
            throw new TimeoutException("The reactor did not answer in time.");
        }
        return done.Task.GetAwaiter().GetResult();
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

    /// <summary>Stops the reactor and waits for its thread.</summary>
    public void Dispose()
    {
        // Stop touches the timer queue, which belongs to the loop thread.
        Reactor.CallFromThread(() =>
        {
            try
            {
                Reactor.Stop();
            }
            catch (ReactorNotRunningException)
            {
            }
        });
        if (!_thread.Join(Timeout))
        {
            Reactor.CallFromThread(Reactor.Crash);
            throw new TimeoutException($"The {Reactor.Name} reactor did not stop.");
        }
    }
}

using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Enterprise.Tests;

/// <summary>Runs a test body on a real reactor with a pool on the test's provider, and stops it once.</summary>
public abstract class PoolTestBase : IDisposable
{
    private bool _disposed;
    private bool _stopped;

    /// <summary>The provider these tests run against.</summary>
    protected DatabaseProvider Provider { get; }

    protected PoolTestBase(DatabaseProvider provider) => Provider = provider;

    /// <summary>A fresh table name, so tests sharing one PostgreSQL database do not meet.</summary>
    protected static string NewTable() => "t_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>
    /// Runs <paramref name="body"/> once the reactor runs, then stops the reactor when its Deferred fires
    /// (its failure rethrown here). The loop thread is passed so tests can assert where results arrive.
    /// </summary>
    protected void RunReactor(Func<IReactor, Thread, Deferred> body, double timeout = 180)
    {
        Provider.Require();
        var reactor = Reactors.Create();
        Failure? failure = null;
        var timedOut = false;
        var watchdog = reactor.CallLater(timeout, () =>
        {
            timedOut = true;
            reactor.Crash();
        });
        reactor.CallWhenRunning(() =>
        {
            Deferred.MaybeDeferred(() => (Deferred<Unit>)body(reactor, Thread.CurrentThread)).AddBoth(outcome =>
            {
                failure = outcome.Failure;
                StopOnce(reactor);
                return Unit.Value;
            });
        });
        ((ReactorBase)reactor).Run(installSignalHandlers: false);
        if (timedOut)
        {
            throw new TimeoutException($"The test's reactor was still running after {timeout}s.");
        }
        if (watchdog.Active)
        {
            watchdog.Cancel();
        }
        if (failure?.Value is Exception e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }
    }

    /// <summary>Stops the reactor unless this test already did (the shutdown tests stop it themselves).</summary>
    protected void StopOnce(IReactor reactor)
    {
        if (!_stopped)
        {
            _stopped = true;
            reactor.Stop();
        }
    }

    /// <summary>The exception <paramref name="d"/> fails with; fails the test if it succeeds.</summary>
    protected static async Deferred<Exception> Failing<T>(Deferred<T> d)
    {
        try
        {
            await d;
        }
        catch (Exception e)
        {
            return e;
        }
        throw new Xunit.Sdk.XunitException("The Deferred succeeded; a failure was expected.");
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Provider.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}

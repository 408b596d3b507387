using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// Runs a reactor on the test's thread until the test's own code stops it, with a watchdog so a
/// broken test fails instead of hanging (Twisted's ReactorBuilder.runReactor).
/// </summary>
public static class ReactorRunner
{
    public const double DefaultTimeout = 60;

    /// <summary>Runs <paramref name="reactor"/>; throws if it did not stop within <paramref name="timeout"/> seconds.</summary>
    public static void Run(IReactor reactor, double timeout = DefaultTimeout)
    {
        var timedOut = false;
        var watchdog = reactor.CallLater(timeout, () =>
        {
            timedOut = true;
            reactor.Crash();
        });
        ((ReactorBase)reactor).Run(installSignalHandlers: false);
        if (timedOut)
        {
            throw new TimeoutException($"The {reactor.Name} reactor was still running after {timeout}s.");
        }
        if (watchdog.Active)
        {
            watchdog.Cancel();
        }
    }

    /// <summary>Runs <paramref name="body"/> once the reactor is running, then runs the reactor until it stops.</summary>
    public static void Run(IReactor reactor, Action body, double timeout = DefaultTimeout)
    {
        Exception? error = null;
        reactor.CallWhenRunning(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
                reactor.Stop();
            }
        });
        Run(reactor, timeout);
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }
}

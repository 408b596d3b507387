using System.Runtime.ExceptionServices;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Tests.Client;

/// <summary>
/// Runs a reactor on the test's thread until a Deferred the test starts fires, then stops it; a
/// watchdog crashes a reactor that runs too long, so a broken test fails instead of hanging.
/// </summary>
internal static class ClientRun
{
    public const double Watchdog = 60;

    /// <summary>The outcome of <paramref name="start"/>'s Deferred: its value, or its failure's exception thrown.</summary>
    public static T Run<T>(Func<IReactor, Deferred<T>> start, IReactor? reactor = null) => Outcome(start, reactor).GetValueOrThrow();

    /// <summary>The failure <paramref name="start"/>'s Deferred ended with; fails the test if it succeeded.</summary>
    public static Exception Failure<T>(Func<IReactor, Deferred<T>> start, IReactor? reactor = null)
    {
        var outcome = Outcome(start, reactor);
        Assert.False(outcome.Succeeded, $"Expected a failure, got {outcome}");
        return outcome.Failure!.Value;
    }

    public static Outcome<T> Outcome<T>(Func<IReactor, Deferred<T>> start, IReactor? reactor = null)
    {
        reactor ??= Reactors.Create();
        Outcome<T>? result = null;
        Exception? thrown = null;
        var timedOut = false;
        var watchdog = reactor.CallLater(Watchdog, () =>
        {
            timedOut = true;
            reactor.Crash();
        });
        reactor.CallWhenRunning(() =>
        {
            try
            {
                start(reactor).AddBoth<Unit>(outcome =>
                {
                    result = outcome;
                    // Let the loop finish what this turn started (closing connections) before stopping.
                    reactor.CallLater(0, reactor.Stop);
                    return Unit.Value;
                });
            }
            catch (Exception e)
            {
                thrown = e;
                reactor.Stop();
            }
        });
        ((ReactorBase)reactor).Run(installSignalHandlers: false);
        if (thrown is not null)
        {
            ExceptionDispatchInfo.Throw(thrown);
        }
        Assert.False(timedOut, $"The reactor was still running after {Watchdog}s.");
        if (watchdog.Active)
        {
            watchdog.Cancel();
        }
        return result!.Value;
    }
}

using System.Runtime.ExceptionServices;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Names.Tests.Client;

/// <summary>
/// Runs a real reactor until the Deferred a test starts fires, then returns its result (or throws its
/// failure); a watchdog fails the test instead of letting it hang.
/// </summary>
internal static class Loop
{
    public const double Watchdog = 120;

    public static T Run<T>(Func<IReactor, Deferred<T>> body, double timeout = Watchdog) => Run(Reactors.Create(), body, timeout);

    public static T Run<T>(IReactor reactor, Func<IReactor, Deferred<T>> body, double timeout = Watchdog)
    {
        Outcome<T>? outcome = null;
        Exception? thrown = null;
        var timedOut = false;
        reactor.CallWhenRunning(() =>
        {
            try
            {
                body(reactor).AddBoth(o =>
                {
                    outcome = o;
                    reactor.Stop();
                    return Unit.Value;
                });
            }
            catch (Exception e)
            {
                thrown = e;
                reactor.Stop();
            }
        });
        var watchdog = reactor.CallLater(timeout, () =>
        {
            timedOut = true;
            reactor.Stop();
        });
        ((ReactorBase)reactor).Run(installSignalHandlers: false);
        if (thrown is not null)
        {
            ExceptionDispatchInfo.Throw(thrown);
        }
        if (timedOut || outcome is not { } done)
        {
            throw new TimeoutException($"The lookup had not finished after {timeout} s.");
        }
        _ = watchdog;
        if (done.Failure is { } failure)
        {
            failure.RaiseException();
        }
        return done.Value;
    }
}

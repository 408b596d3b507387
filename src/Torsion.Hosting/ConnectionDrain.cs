using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.Services;

namespace Torsion.Hosting;

/// <summary>
/// The graceful stop torsiond does on SIGTERM, as a before-shutdown trigger: the service tree stops
/// (listening ports close, so no new clients arrive), then the connections already open get time to
/// finish by themselves; what is left when <see cref="Hurry"/> is called (the host's shutdown token
/// fired) or the deadline passes is dropped by the reactor's own shutdown.
/// </summary>
/// <remarks>
/// Runs on the (primary) loop thread, except <see cref="Hurry"/>, which the hosted service posts there.
/// The deadline matters only when the reactor stops by itself (the application called <c>Stop</c>):
/// a stop the host asks for is bounded by the host's token first.
/// </remarks>
internal sealed class ConnectionDrain(IReactor reactor, Func<int> openConnections, IService application, TimeSpan deadline)
{
    // How often the count is looked at: a clean exit is prompt and the wait costs nothing.
    private const double PollInterval = 0.05;

    private static readonly Logger Log = Logger.For<ConnectionDrain>();

    private Deferred? _drained;
    private IDelayedCall? _deadline;
    private IDelayedCall? _poll;
    private bool _hurried;

    /// <summary>Stop the service tree even though it is not marked running (its start failed half-way).</summary>
    public bool StopEvenIfNotRunning { get; set; }

    /// <summary>The trigger: stop the tree, then wait for the connections.</summary>
    public Deferred Run()
    {
        var drained = _drained = new Deferred();
        Deferred stopped;
        try
        {
            stopped = application.Running || StopEvenIfNotRunning ? application.StopService() : Deferred.Succeed();
        }
        catch (Exception e)
        {
            stopped = Deferred.Fail(e);
        }
        stopped.AddBoth(outcome =>
        {
            if (outcome.Failure is { } f)
            {
                Log.Failure("Error stopping the application", f, Torsion.Logging.LogLevel.Error);
            }
            WaitForConnections();
            return Unit.Value;
        });
        return drained;
    }

    /// <summary>Stops waiting: the reactor drops what is left now (or at once, if the drain has not begun yet).</summary>
    public void Hurry()
    {
        _hurried = true;
        if (_drained is { Called: false })
        {
            var open = openConnections();
            if (open > 0)
            {
                Log.Warn("The host's shutdown timeout passed: dropping {count} connection(s) still open", ("count", open));
            }
            Finish();
        }
    }

    private void WaitForConnections()
    {
        if (_drained is not { Called: false })
        {
            return;
        }
        var open = openConnections();
        if (open == 0 || _hurried)
        {
            Finish();
            return;
        }
        Log.Info("Waiting up to {timeout} s for {count} connection(s) to finish", ("timeout", deadline.TotalSeconds), ("count", open));
        _deadline = reactor.CallLater(deadline.TotalSeconds, () =>
        {
            _deadline = null;
            Log.Warn("Dropping {count} connection(s) still open after {timeout} s", ("count", openConnections()), ("timeout", deadline.TotalSeconds));
            Finish();
        });
        Poll();
    }

    private void Poll()
    {
        _poll = reactor.CallLater(PollInterval, () =>
        {
            _poll = null;
            if (openConnections() == 0)
            {
                Finish();
            }
            else
            {
                Poll();
            }
        });
    }

    private void Finish()
    {
        if (_poll is { Active: true })
        {
            _poll.Cancel();
        }
        if (_deadline is { Active: true })
        {
            _deadline.Cancel();
        }
        _poll = null;
        _deadline = null;
        if (_drained is { Called: false } d)
        {
            d.Callback(Unit.Value);
        }
    }
}

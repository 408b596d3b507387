using Torsion.Services;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Runner.Daemon;

/// <summary>
/// What happens between "stop" and the reactor dropping every connection: the service tree stops
/// (its listening ports close at once, so no new clients arrive), then connections already in
/// flight get up to <c>--shutdown-timeout</c> seconds to finish by themselves. Installed as a
/// before-shutdown trigger, so every way of stopping (a signal, the application calling
/// <c>reactor.Stop()</c>) drains the same way; a second signal cuts the wait short.
/// </summary>
internal sealed class GracefulShutdown
{
    // How often the drain looks at the connection count: fine enough that a clean exit is prompt,
    // coarse enough to cost nothing while connections finish.
    private const double PollInterval = 0.05;

    private static readonly Logger Log = Logger.For<GracefulShutdown>();

    private readonly IReactor _reactor;
    private readonly Func<int> _openConnections;
    private readonly IService _application;
    private readonly double _timeout;
    private Deferred? _drained;
    private IDelayedCall? _deadline;
    private IDelayedCall? _poll;

    /// <summary>
    /// Drains <paramref name="application"/> on <paramref name="reactor"/> for at most <paramref name="timeout"/>
    /// seconds, asking <paramref name="openConnections"/> how many connections are left (a single loop's
    /// count, or a group's sum).
    /// </summary>
    public GracefulShutdown(IReactor reactor, Func<int> openConnections, IService application, double timeout)
    {
        _reactor = reactor;
        _openConnections = openConnections;
        _application = application;
        _timeout = timeout;
    }

    /// <summary>Hooks the drain into the reactor's shutdown.</summary>
    public void Install() => _reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, Drain);

    /// <summary>Stops waiting for connections: the reactor drops what is left now.</summary>
    public void Hurry()
    {
        if (_drained is { Called: false })
        {
            Log.Warn("Dropping {count} connection(s) now, without waiting", ("count", _openConnections()));
            Finish();
        }
    }

    private Deferred Drain()
    {
        var drained = _drained = new Deferred();
        var stopped = _application.Running ? _application.StopService() : Deferred.Succeed();
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

    private void WaitForConnections()
    {
        if (_drained is not { Called: false })
        {
            return;
        }
        var open = _openConnections();
        if (open == 0)
        {
            Finish();
            return;
        }
        Log.Info("Waiting up to {timeout} s for {count} connection(s) to finish", ("timeout", _timeout), ("count", open));
        _deadline = _reactor.CallLater(_timeout, () =>
        {
            _deadline = null;
            Log.Warn("Dropping {count} connection(s) still open after {timeout} s", ("count", _openConnections()), ("timeout", _timeout));
            Finish();
        });
        Poll();
    }

    private void Poll()
    {
        _poll = _reactor.CallLater(PollInterval, () =>
        {
            _poll = null;
            if (_openConnections() == 0)
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

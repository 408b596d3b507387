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

    // While a drain runs, systemd hears from us this often ("draining N connections" and
    // EXTEND_TIMEOUT_USEC), and each extension covers this long: several reports, so one late
    // loop pass does not lose the extension, yet a loop that stops answering is killed soon.
    internal const double ReportInterval = 1.0;
    internal const double ExtensionWindow = 5.0;

    private static readonly Logger Log = Logger.For<GracefulShutdown>();

    private readonly IReactor _reactor;
    private readonly Func<int> _openConnections;
    private readonly IService _application;
    private readonly double _timeout;
    private readonly SystemdNotifier? _systemd;
    private Deferred? _drained;
    private IDelayedCall? _report;
    private double _graceEnds;
    private IDelayedCall? _deadline;
    private IDelayedCall? _poll;

    /// <summary>
    /// Drains <paramref name="application"/> on <paramref name="reactor"/> for at most <paramref name="timeout"/>
    /// seconds, asking <paramref name="openConnections"/> how many connections are left (a single loop's
    /// count, or a group's sum); tells <paramref name="systemd"/>, if given, how the drain goes.
    /// </summary>
    public GracefulShutdown(IReactor reactor, Func<int> openConnections, IService application, double timeout, SystemdNotifier? systemd = null)
    {
        _systemd = systemd;
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
        if (_systemd is { IsEnabled: true })
        {
            _graceEnds = _reactor.Seconds() + _timeout;
            Report();
        }
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
        // The grace period counts from here, once the service tree has stopped.
        _graceEnds = _reactor.Seconds() + _timeout;
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

    /// <summary>
    /// Tells systemd how many connections are left, and asks it to wait: our own deadline
    /// (the end of the grace period) bounds the drain,
    /// so the stop timeout systemd enforces (TimeoutStopSec=) must not cut it shorter. Sent again every
    /// <see cref="ReportInterval"/> from the loop, so a loop that hangs stops asking and is killed.
    /// </summary>
    private void Report()
    {
        var open = _openConnections();
        var left = Math.Max(0, _graceEnds - _reactor.Seconds());
        _systemd!.Status($"Draining {open} connection(s), up to {Math.Ceiling(left):0} s more");
        _systemd.ExtendTimeout(ExtensionWindow);
        _report = _reactor.CallLater(ReportInterval, () =>
        {
            _report = null;
            Report();
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
        if (_report is { Active: true })
        {
            _report.Cancel();
        }
        _report = null;
        _poll = null;
        _deadline = null;
        if (_drained is { Called: false } d)
        {
            d.Callback(Unit.Value);
        }
    }
}

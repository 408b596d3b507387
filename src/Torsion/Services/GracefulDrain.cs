using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Services;

/// <summary>
/// A graceful stop: the service tree stops first (its listening ports close, so no new clients arrive),
/// then the connections already open get up to <c>timeout</c> seconds to finish by themselves; what is
/// left after that, or when <see cref="Hurry"/> is called, the reactor's shutdown drops. torsiond runs one
/// on SIGTERM and Torsion.Hosting on the host's stop; <see cref="Install"/> makes every way of stopping the
/// reactor drain the same way. Loop thread only (post <see cref="Hurry"/> there from elsewhere).
/// </summary>
/// <remarks>
/// Twisted has no equivalent: its reactor drops connections at once when it stops (<c>twistd</c> users
/// write this by hand with a before-shutdown trigger).
/// </remarks>
public sealed class GracefulDrain
{
    // How often the connection count is looked at: fine enough that a clean exit is prompt, coarse
    // enough to cost nothing while connections finish.
    private const double PollInterval = 0.05;

    private static readonly Logger Log = Logger.For<GracefulDrain>();

    private readonly IReactor _reactor;
    private readonly IService _application;
    private readonly Func<int> _openConnections;
    private readonly double _timeout;
    private Deferred? _drained;
    private IDelayedCall? _deadline;
    private IDelayedCall? _poll;
    private IDelayedCall? _progress;
    private double _graceEnds;
    private bool _hurried;

    /// <summary>
    /// Drains <paramref name="application"/> on <paramref name="reactor"/> for at most <paramref name="timeout"/>
    /// seconds, asking <paramref name="openConnections"/> how many connections are left (one loop's
    /// <c>OpenConnections</c>, or a group's).
    /// </summary>
    public GracefulDrain(IReactor reactor, IService application, Func<int> openConnections, double timeout)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(openConnections);
        ArgumentOutOfRangeException.ThrowIfNegative(timeout);
        _reactor = reactor;
        _application = application;
        _openConnections = openConnections;
        _timeout = timeout;
    }

    /// <summary>Stop the service tree even when it is not marked running (its start failed half-way).</summary>
    public bool StopEvenIfNotRunning { get; set; }

    /// <summary>
    /// Told the connections left and the seconds of grace left, when the drain starts and then every
    /// <see cref="ProgressInterval"/> seconds until it ends (torsiond's <c>STATUS=</c> lines to systemd).
    /// </summary>
    public Action<int, double>? Progress { get; set; }

    /// <summary>Seconds between two <see cref="Progress"/> calls (1 by default).</summary>
    public double ProgressInterval { get; set; } = 1.0;

    /// <summary>Runs <see cref="Run"/> as a before-shutdown trigger of the reactor.</summary>
    public void Install() => _reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, Run);

    /// <summary>Stops the tree, then waits for the connections; fires when none is left, or the grace period or <see cref="Hurry"/> ends the wait.</summary>
    public Deferred Run()
    {
        var drained = _drained = new Deferred();
        _graceEnds = _reactor.Seconds() + _timeout;
        if (Progress is not null)
        {
            Report();
        }
        Deferred stopped;
        try
        {
            stopped = _application.Running || StopEvenIfNotRunning ? _application.StopService() : Deferred.Succeed();
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

    /// <summary>
    /// Stops waiting: the reactor drops what is left now (or, called before the tree has stopped, as soon
    /// as it has). <paramref name="reason"/> goes into the warning.
    /// </summary>
    public void Hurry(string reason = "without waiting")
    {
        _hurried = true;
        if (_drained is { Called: false })
        {
            var open = _openConnections();
            if (open > 0)
            {
                Log.Warn("Dropping {count} connection(s) now, {reason}", ("count", open), ("reason", reason));
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
        var open = _openConnections();
        if (open == 0 || _hurried)
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

    // From the loop, so a loop that hangs stops reporting (and a supervisor watching for it can act).
    private void Report()
    {
        Progress?.Invoke(_openConnections(), Math.Max(0, _graceEnds - _reactor.Seconds()));
        _progress = _reactor.CallLater(ProgressInterval, () =>
        {
            _progress = null;
            Report();
        });
    }

    private void Finish()
    {
        foreach (var call in new[] { _poll, _deadline, _progress })
        {
            if (call is { Active: true })
            {
                call.Cancel();
            }
        }
        _poll = _deadline = _progress = null;
        if (_drained is { Called: false } d)
        {
            d.Callback(Unit.Value);
        }
    }
}

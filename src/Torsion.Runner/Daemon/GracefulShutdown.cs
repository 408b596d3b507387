using Torsion.Internet;
using Torsion.Services;

namespace Torsion.Runner.Daemon;

/// <summary>
/// torsiond's stop: the core's <see cref="GracefulDrain"/> (the service tree stops, then connections in
/// flight get up to <c>--shutdown-timeout</c> seconds), installed as a before-shutdown trigger so every
/// way of stopping (a signal, the application calling <c>reactor.Stop()</c>) drains the same way; a second
/// signal cuts the wait short. Under systemd it also reports the drain.
/// </summary>
internal sealed class GracefulShutdown
{
    // While a drain runs, systemd hears from us this often ("draining N connections" and
    // EXTEND_TIMEOUT_USEC), and each extension covers this long: several reports, so one late
    // loop pass does not lose the extension, yet a loop that stops answering is killed soon.
    internal const double ReportInterval = 1.0;
    internal const double ExtensionWindow = 5.0;

    private readonly GracefulDrain _drain;

    /// <summary>
    /// Drains <paramref name="application"/> on <paramref name="reactor"/> for at most <paramref name="timeout"/>
    /// seconds, asking <paramref name="openConnections"/> how many connections are left (a single loop's
    /// count, or a group's sum); tells <paramref name="systemd"/>, if given, how the drain goes.
    /// </summary>
    public GracefulShutdown(IReactor reactor, Func<int> openConnections, IService application, double timeout, SystemdNotifier? systemd = null)
    {
        _drain = new GracefulDrain(reactor, application, openConnections, timeout) { ProgressInterval = ReportInterval };
        if (systemd is { IsEnabled: true })
        {
            // Our own deadline (the end of the grace period) bounds the drain, so the stop timeout systemd
            // enforces (TimeoutStopSec=) must not cut it shorter: each report asks it to wait a little longer.
            _drain.Progress = (open, left) =>
            {
                systemd.Status($"Draining {open} connection(s), up to {Math.Ceiling(left):0} s more");
                systemd.ExtendTimeout(ExtensionWindow);
            };
        }
    }

    /// <summary>Hooks the drain into the reactor's shutdown.</summary>
    public void Install() => _drain.Install();

    /// <summary>Stops waiting for connections: the reactor drops what is left now.</summary>
    public void Hurry() => _drain.Hurry();
}

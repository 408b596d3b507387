using System.Globalization;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Runner.Daemon;

/// <summary>
/// systemd's watchdog (<c>WatchdogSec=</c>): systemd sets WATCHDOG_USEC (and WATCHDOG_PID) and
/// restarts the service when "WATCHDOG=1" does not arrive in time. The pings are a timer on the
/// reactor loop, not a thread of their own, so they stop exactly when the loop is stuck (a callback
/// that never returns, a blocking call on the loop thread): the failure the watchdog exists for.
/// With several loops (<c>--reactors N</c>) every other loop beats a timer of its own every half
/// interval, and the first loop pings only while each of them has beaten within the last interval:
/// any one stuck loop stops the pings.
/// </summary>
internal sealed class SystemdWatchdog
{
    private static readonly Logger Log = Logger.For<SystemdWatchdog>();

    private readonly SystemdNotifier _notifier;
    private readonly TimeSpan _interval;
    private IReactor? _reactor;
    // The other loops of a group, and when each last beat (Stopwatch ticks, written by that loop).
    private IReactor[] _others = [];
    private long[] _beats = [];
    // Each other loop's number in the group (from 1), for the log.
    private int[] _numbers = [];
    private bool _withheld;

    private SystemdWatchdog(SystemdNotifier notifier, TimeSpan interval)
    {
        _notifier = notifier;
        _interval = interval;
    }

    /// <summary>How often the pings go: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises.</summary>
    public TimeSpan Interval => _interval;

    /// <summary>
    /// The watchdog the environment asks for, or null (no WATCHDOG_USEC, WATCHDOG_PID naming another
    /// process, or nothing to notify). Like sd_watchdog_enabled(unset=1), the variables are removed
    /// so the application's child processes do not ping in our name.
    /// </summary>
    public static SystemdWatchdog? FromEnvironment(SystemdNotifier notifier)
    {
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        Environment.SetEnvironmentVariable("WATCHDOG_USEC", null);
        Environment.SetEnvironmentVariable("WATCHDOG_PID", null);
        var (interval, problem) = Parse(usec, pid, Environment.ProcessId);
        if (problem is not null)
        {
            Log.Warn("Not pinging systemd's watchdog: {reason}", ("reason", problem));
        }
        return interval is { } i && notifier.IsEnabled ? new SystemdWatchdog(notifier, i) : null;
    }

    /// <summary>
    /// The ping interval for WATCHDOG_USEC=<paramref name="usec"/> and WATCHDOG_PID=<paramref name="pid"/>
    /// seen by process <paramref name="self"/>: null when there is no watchdog for us, with a reason
    /// when the variables are there but unusable (a pid that is not ours is not a problem: the
    /// watchdog is someone else's).
    /// </summary>
    public static (TimeSpan? Interval, string? Problem) Parse(string? usec, string? pid, int self)
    {
        if (string.IsNullOrEmpty(usec))
        {
            return (null, null);
        }
        if (!string.IsNullOrEmpty(pid) && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p != self))
        {
            return (null, null);
        }
        if (!ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micro) || micro == 0)
        {
            return (null, $"WATCHDOG_USEC is '{usec}', not a number of microseconds above zero");
        }
        // Half the timeout, but never below a millisecond: a ping per loop pass would starve it.
        return (TimeSpan.FromMicroseconds((double)Math.Max(micro / 2, 1000UL)), null);
    }

    /// <summary>
    /// Sends the first ping now and the rest every <see cref="Interval"/>, from <paramref name="reactor"/>'s
    /// loop (a group's first loop; called on it), with the group's other loops beating.
    /// </summary>
    public void Start(IReactor reactor)
    {
        if (reactor is ReactorGroup group)
        {
            _reactor = group.Primary;
            _others = group.Loops.Where(loop => !ReferenceEquals(loop, group.Primary)).ToArray();
            _numbers = _others.Select(loop => group.Loops.ToList().IndexOf(loop) + 1).ToArray();
            _beats = new long[_others.Length];
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var i = 0; i < _others.Length; i++)
            {
                var index = i;
                _beats[i] = now;
                _others[i].CallFromThread(() => Beat(index));
            }
        }
        else
        {
            _reactor = reactor;
        }
        Log.Info("Pinging systemd's watchdog every {interval} s{loops}", ("interval", _interval.TotalSeconds),
            ("loops", _others.Length > 0 ? $" while all {_others.Length + 1} loops run" : ""));
        Ping();
    }

    // On loop `index` (not the first): proof that it still runs its timers.
    private void Beat(int index)
    {
        Volatile.Write(ref _beats[index], System.Diagnostics.Stopwatch.GetTimestamp());
        _others[index].CallLater(_interval.TotalSeconds / 2, () => Beat(index));
    }

    private void Ping()
    {
        if (StuckLoop() is { } stuck)
        {
            if (!_withheld)
            {
                _withheld = true;
                Log.Warn("Withholding systemd's watchdog ping: loop {loop} has not run its timers for {seconds} s", ("loop", stuck.Number), ("seconds", Math.Round(stuck.Seconds, 1)));
            }
        }
        else
        {
            if (_withheld)
            {
                _withheld = false;
                Log.Info("Every loop runs again; pinging systemd's watchdog");
            }
            _notifier.Notify("WATCHDOG=1");
        }
        _reactor!.CallLater(_interval.TotalSeconds, Ping);
    }

    // A loop other than the first whose last beat is older than one interval (it beats every half), or null.
    private (int Number, double Seconds)? StuckLoop()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < _beats.Length; i++)
        {
            var age = System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _beats[i]), now);
            if (age > _interval)
            {
                return (_numbers[i], age.TotalSeconds);
            }
        }
        return null;
    }
}

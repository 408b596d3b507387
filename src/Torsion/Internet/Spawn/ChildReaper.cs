using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// Reaps one reactor's children (Twisted's SIGCHLD handling). One process-wide SIGCHLD registration
/// (PosixSignalRegistration, which leaves the runtime's own handling in place) asks every reactor with live
/// children to check them on its loop thread, and each check calls waitpid with WNOHANG on each of its own pids
/// only. Never waitpid(-1): that would steal the exits of System.Diagnostics.Process children (and of other
/// reactors' children), which the runtime reaps by pid just as this does. A check also runs right after each
/// spawn, so a child that exits before its pid is known here is not missed; signals that arrive together
/// coalesce into one check, which looks at every child.
/// </summary>
internal sealed class ChildReaper
{
    private static readonly ConditionalWeakTable<ReactorBase, ChildReaper> Reapers = new();
    private static readonly object Gate = new();
    private static readonly HashSet<ChildReaper> Active = new();
    private static PosixSignalRegistration? _registration;

    private readonly ReactorBase _reactor;
    private readonly Dictionary<int, SpawnedProcess> _children = new();
    private int _checkQueued;

    private ChildReaper(ReactorBase reactor)
    {
        _reactor = reactor;
        // A stopped reactor reaps nothing more (as in Twisted): stop asking it.
        reactor.AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Shutdown, () =>
        {
            lock (Gate)
            {
                Active.Remove(this);
            }
        });
    }

    /// <summary>The reaper of <paramref name="reactor"/>'s children.</summary>
    internal static ChildReaper For(ReactorBase reactor) => Reapers.GetValue(reactor, static r => new ChildReaper(r));

    /// <summary>How many children wait to be reaped.</summary>
    internal int Count => _children.Count;

    /// <summary>Watches <paramref name="child"/> (loop thread) and checks it on the next pass.</summary>
    internal void Add(int pid, SpawnedProcess child)
    {
        _children[pid] = child;
        lock (Gate)
        {
            Active.Add(this);
            if (_registration is null && !OperatingSystem.IsWindows())
            {
                _registration = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, static _ => OnChildSignal());
            }
        }
        QueueCheck();
    }

    private static void OnChildSignal()
    {
        lock (Gate)
        {
            foreach (var reaper in Active)
            {
                reaper.QueueCheck();
            }
        }
    }

    private void QueueCheck()
    {
        if (Interlocked.Exchange(ref _checkQueued, 1) == 0)
        {
            _reactor.CallFromThread(Check);
        }
    }

    private void Check()
    {
        // Cleared before looking, so a SIGCHLD from here on queues another check.
        Volatile.Write(ref _checkQueued, 0);
        List<(int Pid, SpawnedProcess Child, int Status)>? exited = null;
        foreach (var (pid, child) in _children)
        {
            if (ChildSpawn.TryReap(pid, out var status))
            {
                (exited ??= []).Add((pid, child, status));
            }
        }
        if (exited is null)
        {
            return;
        }
        foreach (var (pid, _, _) in exited)
        {
            _children.Remove(pid);
        }
        if (_children.Count == 0)
        {
            lock (Gate)
            {
                Active.Remove(this);
            }
        }
        foreach (var (_, child, status) in exited)
        {
            child.Reaped(status);
        }
    }
}

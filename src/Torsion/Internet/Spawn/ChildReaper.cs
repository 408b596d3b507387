using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// Reaps one reactor's children (Twisted's SIGCHLD handling), always with waitpid(pid, WNOHANG) on the loop
/// thread, on its own pids only. Never waitpid(-1): that would steal the exits of System.Diagnostics.Process
/// children (and of other reactors' children), which the runtime reaps by pid just as this does.
/// <para>On a readiness reactor (<see cref="IReactorFDSet"/>) each child gets a pidfd (pidfd_open, Linux 5.3+)
/// registered as a reader (<see cref="ChildExitWatch"/>): readable once that child has exited, even if it did
/// so before the registration, so a fast exit is not missed. Otherwise (the sockets backend, a kernel without
/// pidfd_open, EMFILE, select past FD_SETSIZE) the child is checked on SIGCHLD: one process-wide
/// registration (PosixSignalRegistration, which leaves the runtime's own handling in place) asks every reactor
/// with such children to check them all on its loop thread; a check also runs right after each spawn, so a
/// child that exits before its pid is known here is not missed, and signals that arrive together coalesce
/// into one check.</para>
/// </summary>
internal sealed class ChildReaper
{
    private static readonly ConditionalWeakTable<ReactorBase, ChildReaper> Reapers = new();
    private static readonly object Gate = new();
    private static readonly HashSet<ChildReaper> Active = new();
    private static PosixSignalRegistration? _registration;

    private readonly ReactorBase _reactor;
    // Every child not yet reaped, with its pidfd watch (null: checked on SIGCHLD).
    private readonly Dictionary<int, (SpawnedProcess Child, ChildExitWatch? Watch)> _children = new();
    private int _signalled;
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

    /// <summary>How many of them are watched through a pidfd (the rest on SIGCHLD).</summary>
    internal int WatchedCount => _children.Count - _signalled;

    /// <summary>False: new children are checked on SIGCHLD even where a pidfd would do (tests of that path).</summary>
    internal bool UsePidFd { get; set; } = true;

    /// <summary>Watches <paramref name="child"/> (loop thread, or before the reactor runs).</summary>
    internal void Add(int pid, SpawnedProcess child)
    {
        var watch = TryWatch(pid);
        _children[pid] = (child, watch);
        if (watch is null)
        {
            _signalled++;
        }
        if (_signalled > 0)
        {
            // Also for a watched child: children left on the signal path (from a shutdown, say) are looked at again.
            ListenForSignals();
        }
    }

    /// <summary>A registered pidfd watch for <paramref name="pid"/>, or null where there can be none.</summary>
    private ChildExitWatch? TryWatch(int pid)
    {
        if (_reactor is not IReactorFDSet fdSet || !UsePidFd)
        {
            return null;
        }
        // ENOSYS, EMFILE, ESRCH (someone else reaped it: the signal path's check then answers ECHILD).
        var fd = ChildSpawn.OpenPidFd(pid);
        if (fd < 0)
        {
            return null;
        }
        var watch = new ChildExitWatch(this, pid, fd);
        try
        {
            fdSet.AddReader(watch);
        }
        catch (Exception e) when (e is SystemCallException or InvalidOperationException)
        {
            // select refuses descriptors at or above FD_SETSIZE.
            LibC.Close(fd);
            return null;
        }
        return watch;
    }

    private void ListenForSignals()
    {
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

    /// <summary>The pidfd of <paramref name="watch"/>'s child polled readable: it has exited (loop thread).</summary>
    internal void ExitSignalled(ChildExitWatch watch)
    {
        if (!ChildSpawn.TryReap(watch.Pid, out var status))
        {
            return;
        }
        Unwatch(watch);
        if (_children.Remove(watch.Pid, out var entry))
        {
            entry.Child.Reaped(status);
        }
    }

    /// <summary>
    /// The reactor dropped <paramref name="watch"/> (its shutdown disconnects every reader): the pidfd is closed
    /// and the child goes on the SIGCHLD path, which reaps it until the shutdown is over (and nothing after it,
    /// as in Twisted).
    /// </summary>
    internal void WatchLost(ChildExitWatch watch)
    {
        Unwatch(watch);
        if (_children.TryGetValue(watch.Pid, out var entry) && ReferenceEquals(entry.Watch, watch))
        {
            _children[watch.Pid] = (entry.Child, null);
            _signalled++;
            ListenForSignals();
        }
    }

    private void Unwatch(ChildExitWatch watch)
    {
        ((IReactorFDSet)_reactor).RemoveReader(watch);
        LibC.Close(watch.FileDescriptor);
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
        foreach (var (pid, (child, watch)) in _children)
        {
            // A watched child is reaped when its pidfd says so.
            if (watch is null && ChildSpawn.TryReap(pid, out var status))
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
        _signalled -= exited.Count;
        if (_signalled == 0)
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

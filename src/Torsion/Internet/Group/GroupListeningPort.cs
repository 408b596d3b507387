using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The one <see cref="IListeningPort"/> a <see cref="ReactorGroup"/> returns for a port every loop
/// listens on. Each loop gets its own socket (<see cref="BoundListener"/>), started and stopped on that
/// loop's thread; the user's factory is started once, here, and stopped once, on the primary loop,
/// after the last loop's socket has closed.
/// </summary>
internal sealed class GroupListeningPort : IListeningPort
{
    /// <summary>One loop's share: the socket until the loop starts it, then the loop's port.</summary>
    private sealed class Slot(GroupLoop loop, BoundListener listener)
    {
        public GroupLoop Loop { get; } = loop;
        public BoundListener? Pending { get; set; } = listener;
        public IListeningPort? Port { get; set; }
        public bool Closed { get; set; }
    }

    private readonly ReactorGroup _group;
    private readonly GroupLoop _primary;
    private readonly Factory _factory;
    private readonly Slot[] _slots;
    private readonly EndPoint _host;
    // Slots are touched by their own loop, the thread that stops the port and, after shutdown, the
    // primary: a lock keeps each slot's hand-over (pending → started → closed) whole. Rare operations.
    private readonly object _lock = new();
    private readonly List<(Deferred Done, GroupLoop Caller)> _waiters = new();
    private int _open;
    private bool _stopRequested;
    private bool _finished;

    internal GroupListeningPort(ReactorGroup group, IReadOnlyList<GroupLoop> loops, BoundListener[] listeners, Factory factory)
    {
        _group = group;
        _primary = loops[0];
        _factory = factory;
        _slots = new Slot[listeners.Length];
        for (var i = 0; i < listeners.Length; i++)
        {
            _slots[i] = new Slot(loops[i], listeners[i]);
        }
        _open = _slots.Length;
        _host = listeners[0].Host;
    }

    /// <summary>Starts the factory (on the caller's thread, as a single reactor's <c>ListenTcp</c> does) and each loop's socket on its loop.</summary>
    internal void Start()
    {
        _factory.DoStart();
        foreach (var slot in _slots)
        {
            slot.Loop.Post(() => StartSlot(slot));
        }
    }

    private void StartSlot(Slot slot)
    {
        BoundListener? listener;
        lock (_lock)
        {
            if (slot.Closed || slot.Pending is null)
            {
                return;
            }
            listener = slot.Pending;
            slot.Pending = null;
        }
        IListeningPort port;
        try
        {
            port = listener.Start(slot.Loop.Reactor, new LoopFactory(_factory));
        }
        catch (Exception e)
        {
            // The loop could not take its socket (Start closed it): the others still serve the address,
            // and the kernel stops sending connections to a closed member of a SO_REUSEPORT group.
            ReactorBase.LogError($"{slot.Loop} could not listen on {_host}", e);
            lock (_lock)
            {
                if (slot.Closed)
                {
                    return;
                }
                slot.Closed = true;
            }
            SlotClosed();
            return;
        }
        bool stopAtOnce;
        lock (_lock)
        {
            slot.Port = port;
            stopAtOnce = slot.Closed;
        }
        if (stopAtOnce)
        {
            // StopListening reached this slot while it was starting, off the loop (only possible when
            // the loop is not running): it left the closing to us.
            port.StopListening().AddBoth(SlotClosed);
        }
    }

    /// <inheritdoc />
    public Deferred StopListening()
    {
        var caller = _group.CurrentGroupLoop;
        var done = new Deferred();
        lock (_lock)
        {
            if (_finished)
            {
                return Deferred.Succeed();
            }
            _waiters.Add((done, caller));
            if (_stopRequested)
            {
                return done;
            }
            _stopRequested = true;
        }
        foreach (var slot in _slots)
        {
            slot.Loop.Post(() => StopSlot(slot));
        }
        return done;
    }

    private void StopSlot(Slot slot)
    {
        BoundListener? pending;
        IListeningPort? port;
        lock (_lock)
        {
            if (slot.Closed)
            {
                return;
            }
            slot.Closed = true;
            pending = slot.Pending;
            slot.Pending = null;
            port = slot.Port;
        }
        if (pending is not null)
        {
            pending.Close();
            SlotClosed();
        }
        else
        {
            // Null while StartSlot is between taking the socket and publishing the port: it sees
            // Closed and stops the port itself.
            port?.StopListening().AddBoth(SlotClosed);
        }
    }

    /// <summary>One loop's socket is closed; on the last, the port is done.</summary>
    private void SlotClosed()
    {
        if (Interlocked.Decrement(ref _open) == 0)
        {
            _primary.Post(Finish);
        }
    }

    /// <summary>
    /// The group has shut down and joined its loops: each loop's own shutdown closed its socket, so
    /// close what no loop ever took and finish (the factory stops, as it would on a single reactor).
    /// Called on the primary's thread.
    /// </summary>
    internal void Abandon()
    {
        lock (_lock)
        {
            foreach (var slot in _slots)
            {
                slot.Closed = true;
                slot.Pending?.Close();
                slot.Pending = null;
            }
        }
        Finish();
    }

    private void Finish()
    {
        (Deferred Done, GroupLoop Caller)[] waiters;
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }
            _finished = true;
            waiters = _waiters.ToArray();
            _waiters.Clear();
        }
        _group.Forget(this);
        try
        {
            _factory.DoStop();
        }
        catch (Exception e)
        {
            ReactorBase.LogError($"Error stopping the factory of {_host}", e);
        }
        // Each caller hears on its own loop, so its callbacks never run on another loop's thread.
        foreach (var (done, caller) in waiters)
        {
            caller.Post(() => done.Callback(Unit.Value));
        }
    }

    /// <inheritdoc />
    public EndPoint GetHost() => _host;

    /// <inheritdoc />
    public override string ToString() => $"GroupListeningPort({_host} on {_slots.Length} loops)";
}

using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// N reactor loops of one backend, each on its own thread, behind one <see cref="IReactor"/>: the way
/// a Torsion server uses more than one core while keeping Twisted's model, since each connection lives
/// on one loop for its whole life and so a protocol's own code still runs on one thread and needs no lock.
/// </summary>
/// <remarks>
/// <para>
/// <b>Listening.</b> <see cref="ListenTcp"/> (and <see cref="ListenSsl"/>, which is built on it) listens
/// on every loop: on Linux each loop gets its own socket bound to the same address with
/// <c>SO_REUSEPORT</c>, and the kernel spreads incoming connections over them by a hash of each
/// connection's addresses and ports, with no acceptor thread and no hand-off. Port 0 picks one free
/// port and binds every loop to it. Before binding, the address is checked with an ordinary bind, so a
/// port someone already listens on (another group included) fails with <see cref="CannotListenError"/>
/// as it would on one reactor, instead of silently sharing its connections. Where <c>SO_REUSEPORT</c>
/// does not balance (BSD and macOS accept it but give every connection to one socket; Windows lacks
/// it), or the kernel refuses it, the port lives on one loop — the calling one — and every connection
/// of it on that loop; <see cref="SpreadsListeningPorts"/> tells which. <see cref="AdoptStreamPort"/>
/// hands each loop a duplicate of the one adopted socket instead: every loop accepts from the same
/// queue, and whichever wakes first takes the connection.
/// </para>
/// <para>
/// <b>Threads: what application code must know.</b> With N loops, a <see cref="Factory"/> given to
/// <see cref="ListenTcp"/> has its <see cref="Factory.BuildProtocol"/> called on N threads at once, so
/// the factory's own state — a connection counter, a shared dictionary, a cache — must be thread-safe
/// (<see cref="Interlocked"/>, a concurrent collection, a lock). A protocol's own code (ConnectionMade,
/// DataReceived, ConnectionLost, its timers and awaits) still runs on one thread, its loop's. Its
/// <c>StartFactory</c>/<c>StopFactory</c> run once, on the calling thread and the primary loop.
/// </para>
/// <para>
/// <b>Everything else goes to one loop.</b> Timers (<see cref="CallLater"/>), <see cref="ConnectTcp"/>,
/// <see cref="ListenUnix"/>, <see cref="ListenUdp"/>, <see cref="CallFromThread"/>, <see cref="CallInThread"/>
/// and the rest go to <see cref="CurrentLoop"/>: the loop whose thread is calling, so a protocol on loop 2
/// that sets a timeout or opens a client connection (a proxy, say) keeps it on loop 2, where touching the
/// protocol is safe; from a loop's thread-pool worker, the loop that handed it the work (so
/// <see cref="ReactorThreads.DeferToThread{T}(IReactorThreads, Func{T})"/> answers on the right loop);
/// from any other thread — the code that sets the server up before <see cref="Run()"/>, a
/// <see cref="Task"/> — the <see cref="Primary"/>. System event triggers and
/// <see cref="CallWhenRunning"/> belong to the primary, whose startup and shutdown are the group's.
/// </para>
/// <para>
/// <b>Running.</b> <see cref="Run()"/> runs the primary on the calling thread and every other loop on a
/// background thread of its own. <see cref="Stop"/> shuts the primary down as usual (before-shutdown
/// triggers, which may return Deferreds, run while every loop still serves); in its during phase the
/// other loops are stopped — each disconnects its own connections and stops its thread pool — and their
/// threads joined, so when <see cref="Run()"/> returns no loop thread is left. A group runs once.
/// </para>
/// </remarks>
public sealed class ReactorGroup : IReactor, IReactorSsl, IReactorSocket, IDisposable, ILoopThreadOwner
{
    private const int StateNew = 0;
    private const int StateRunning = 1;
    private const int StateDone = 2;

    private readonly GroupLoop[] _loops;
    private readonly IReadOnlyList<IReactor> _reactors;
    private readonly object _lock = new();
    private readonly HashSet<GroupListeningPort> _ports = new();
    private int _state = StateNew;
    private bool _secondariesEnded;

    /// <summary>
    /// Creates <paramref name="count"/> loops of the backend named <paramref name="backend"/> (the default,
    /// <see cref="Reactors.DefaultName"/>, if null), timed by <paramref name="time"/> (the system clock if null).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">No backend has that name.</exception>
    /// <exception cref="PlatformNotSupportedException">The backend cannot run here.</exception>
    public ReactorGroup(int count, string? backend = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var info = Reactors.Get(backend ?? Reactors.DefaultName);
        _loops = new GroupLoop[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var reactor = info.Create(time) as ReactorBase
                    ?? throw new NotSupportedException($"The {info.Name} reactor is not a ReactorBase and cannot join a group.");
                _loops[i] = new GroupLoop(reactor, i);
            }
        }
        catch
        {
            foreach (var loop in _loops)
            {
                loop?.Reactor.Dispose();
            }
            throw;
        }
        _reactors = Array.AsReadOnly(_loops.Select(l => (IReactor)l.Reactor).ToArray());
        // After the primary's own "during" triggers (which drop its connections): the other loops
        // stop while the primary is still in its shutdown, so its "after" triggers see them gone.
        PrimaryLoop.Reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, () => EndSecondaries(crash: false));
    }

    /// <summary>
    /// True where <see cref="ListenTcp"/> spreads connections over the loops (Linux's load-balancing
    /// <c>SO_REUSEPORT</c>); elsewhere a port lives on one loop. See the class remarks.
    /// </summary>
    public static bool SpreadsListeningPorts => SharedListeners.ReusePortBalances;

    /// <summary>The number of loops.</summary>
    public int Count => _loops.Length;

    /// <summary>
    /// Each loop's reactor, the primary first. Use one directly to pin work to that loop (its members have
    /// the usual rule: call them on its thread, or through its <c>CallFromThread</c>).
    /// </summary>
    public IReadOnlyList<IReactor> Loops => _reactors;

    /// <summary>Loop 0: it runs on the thread that calls <see cref="Run()"/> and owns startup and shutdown.</summary>
    public IReactor Primary => PrimaryLoop.Reactor;

    /// <summary>
    /// The loop that calls from this thread go to: the loop whose thread this is, or whose thread pool
    /// this worker belongs to, otherwise the <see cref="Primary"/>.
    /// </summary>
    public IReactor CurrentLoop => CurrentGroupLoop.Reactor;

    /// <inheritdoc />
    IReactor ILoopThreadOwner.CallingLoop => CurrentLoop;

    /// <summary>The backend's registry name (every loop has the same).</summary>
    public string Name => PrimaryLoop.Reactor.Name;

    /// <summary>True while the primary is running (between the end of startup and the start of shutdown).</summary>
    public bool Running => PrimaryLoop.Reactor.Running;

    /// <summary>True on the thread of any of the group's loops.</summary>
    public bool IsInLoopThread
    {
        get
        {
            foreach (var loop in _loops)
            {
                if (loop.Reactor.IsInLoopThread)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>The signal that stopped the group (SIGINT = 2, SIGTERM = 15), or null; see <see cref="ReactorBase.ReceivedSignal"/>.</summary>
    public int? ReceivedSignal => PrimaryLoop.Reactor.ReceivedSignal;

    /// <summary>
    /// How many stream connections are open on all loops together. Any thread may read it: each loop's
    /// count is read with a volatile read (each loop writes its own only on its own thread), so the sum is
    /// a snapshot, not one atomic moment across loops — a connection closing on one loop while another is
    /// read may or may not be counted. Good for "wait until it reaches zero"; not for exact accounting.
    /// </summary>
    public int OpenConnections
    {
        get
        {
            var sum = 0;
            foreach (var loop in _loops)
            {
                sum += loop.Reactor.OpenConnectionsSnapshot;
            }
            return sum;
        }
    }

    private GroupLoop PrimaryLoop => _loops[0];

    internal GroupLoop CurrentGroupLoop
    {
        get
        {
            var loops = _loops;
            foreach (var loop in loops)
            {
                if (loop.Reactor.IsInLoopThread)
                {
                    return loop;
                }
            }
            if (ReactorThreadPool.Current?.Owner is { } owner)
            {
                foreach (var loop in loops)
                {
                    if (ReferenceEquals(loop.Reactor, owner))
                    {
                        return loop;
                    }
                }
            }
            return loops[0];
        }
    }

    // ---- run / stop ---------------------------------------------------------------------------------

    /// <summary>Runs the group (see <see cref="Run(bool)"/>), with SIGINT and SIGTERM stopping it.</summary>
    public void Run() => Run(installSignalHandlers: true);

    /// <summary>
    /// Starts every loop but the primary on a background thread, then runs the primary on the calling
    /// thread until <see cref="Stop"/> (or <see cref="Crash"/>). Returns once every loop has stopped and its
    /// thread has been joined. With <paramref name="installSignalHandlers"/>, SIGINT and SIGTERM stop the group.
    /// </summary>
    /// <exception cref="ReactorAlreadyRunningException">The group is running.</exception>
    /// <exception cref="ReactorNotRestartableException">The group has run before.</exception>
    public void Run(bool installSignalHandlers)
    {
        lock (_lock)
        {
            if (_state == StateRunning)
            {
                throw new ReactorAlreadyRunningException();
            }
            if (_state == StateDone)
            {
                throw new ReactorNotRestartableException();
            }
            _state = StateRunning;
        }
        foreach (var loop in _loops)
        {
            loop.MarkRunning();
        }
        for (var i = 1; i < _loops.Length; i++)
        {
            var loop = _loops[i];
            loop.Thread = new Thread(() => RunSecondary(loop))
            {
                IsBackground = true,
                Name = $"torsion-{Name}-loop-{i}",
            };
            loop.Thread.Start();
        }
        try
        {
            PrimaryLoop.Reactor.Run(installSignalHandlers);
        }
        finally
        {
            PrimaryLoop.MarkFinished();
            // Reached with loops still running only after Crash (or an error in the primary): end them too.
            EndSecondaries(crash: true);
            lock (_lock)
            {
                _state = StateDone;
            }
        }
    }

    private static void RunSecondary(GroupLoop loop)
    {
        try
        {
            loop.Reactor.Run(installSignalHandlers: false);
        }
        catch (Exception e)
        {
            ReactorBase.LogError($"{loop} ended with an error", e);
        }
        finally
        {
            loop.MarkFinished();
        }
    }

    /// <summary>
    /// Stops every loop but the primary and joins its thread; then closes what no loop ever took. Runs on
    /// the primary's thread, once: in its shutdown, or after a crash.
    /// </summary>
    private void EndSecondaries(bool crash)
    {
        if (_secondariesEnded)
        {
            return;
        }
        _secondariesEnded = true;
        for (var i = 1; i < _loops.Length; i++)
        {
            var reactor = _loops[i].Reactor;
            // Stop and Crash belong on the loop's thread; a call queued to a loop that has already
            // ended is dropped, harmlessly (its waker ignores a late wake-up).
            reactor.CallFromThread(() =>
            {
                try
                {
                    if (crash)
                    {
                        reactor.Crash();
                    }
                    else
                    {
                        reactor.Stop();
                    }
                }
                catch (ReactorNotRunningException)
                {
                    // Already stopping.
                }
            });
        }
        for (var i = 1; i < _loops.Length; i++)
        {
            _loops[i].Thread?.Join();
        }
        GroupListeningPort[] ports;
        lock (_lock)
        {
            ports = _ports.ToArray();
        }
        foreach (var port in ports)
        {
            port.Abandon();
        }
    }

    /// <summary>
    /// Shuts the group down: the primary's shutdown triggers run, then every other loop stops. On the
    /// primary's thread it throws, as a reactor's <c>Stop</c> does, if shutdown has already begun; from
    /// any other thread (a protocol on another loop, a worker) it is passed to the primary, and a group
    /// already stopping ignores it.
    /// </summary>
    /// <exception cref="ReactorNotRunningException">
    /// The group is not running (not yet, or no longer), or it is already stopping and this is the primary's thread.
    /// </exception>
    public void Stop()
    {
        lock (_lock)
        {
            if (_state != StateRunning)
            {
                throw new ReactorNotRunningException();
            }
        }
        var primary = PrimaryLoop.Reactor;
        if (primary.IsInLoopThread)
        {
            primary.Stop();
            return;
        }
        primary.CallFromThread(() =>
        {
            try
            {
                primary.Stop();
            }
            catch (ReactorNotRunningException)
            {
                // Already stopping.
            }
        });
    }

    /// <summary>
    /// Stops every loop at once, without shutdown triggers: the primary's <see cref="Run()"/> returns after
    /// the other loops have been crashed and joined. Their connections are left open, as a crashed
    /// reactor's are.
    /// </summary>
    public void Crash()
    {
        var primary = PrimaryLoop.Reactor;
        if (primary.IsInLoopThread || !PrimaryLoop.IsRunning)
        {
            primary.Crash();
        }
        else
        {
            primary.CallFromThread(primary.Crash);
        }
    }

    /// <summary>Runs one pass of the primary loop only (the others run only under <see cref="Run()"/>).</summary>
    public void Iterate(double delay = 0) => PrimaryLoop.Reactor.Iterate(delay);

    /// <summary>Releases every loop's own resources; for a group that never ran (<see cref="Run()"/> does it otherwise).</summary>
    /// <exception cref="InvalidOperationException">The group is running.</exception>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_state == StateRunning)
            {
                throw new InvalidOperationException("Cannot dispose a running reactor group; stop it first.");
            }
        }
        foreach (var loop in _loops)
        {
            loop.Reactor.Dispose();
        }
    }

    // ---- system event triggers: the primary's -------------------------------------------------------

    /// <summary>Adds a trigger to the primary, whose startup and shutdown are the group's.</summary>
    /// <exception cref="InvalidOperationException">Called on another loop's thread, where the primary's triggers are not safe to touch.</exception>
    public TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Func<Deferred?> callable) =>
        PrimaryOnly().AddSystemEventTrigger(phase, eventType, callable);

    /// <summary>Adds a trigger to the primary, whose startup and shutdown are the group's.</summary>
    /// <exception cref="InvalidOperationException">Called on another loop's thread.</exception>
    public TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Action callable) =>
        PrimaryOnly().AddSystemEventTrigger(phase, eventType, callable);

    /// <summary>Removes one of the primary's triggers.</summary>
    /// <exception cref="InvalidOperationException">Called on another loop's thread.</exception>
    public void RemoveSystemEventTrigger(TriggerId id) => PrimaryOnly().RemoveSystemEventTrigger(id);

    /// <summary>Fires one of the primary's system events.</summary>
    /// <exception cref="InvalidOperationException">Called on another loop's thread.</exception>
    public void FireSystemEvent(string eventType) => PrimaryOnly().FireSystemEvent(eventType);

    /// <summary>Runs <paramref name="callable"/> now if the group is running, otherwise once the primary has started.</summary>
    public TriggerId? CallWhenRunning(Action callable) => PrimaryLoop.Reactor.CallWhenRunning(callable);

    private ReactorBase PrimaryOnly()
    {
        var current = CurrentGroupLoop;
        if (current.Index != 0 && current.Reactor.IsInLoopThread)
        {
            throw new InvalidOperationException(
                $"System event triggers belong to the group's primary loop; {current} cannot change them. Use Primary.CallFromThread.");
        }
        return PrimaryLoop.Reactor;
    }

    // ---- the calling loop ---------------------------------------------------------------------------

    /// <summary>Resolves <paramref name="name"/>; the Deferred fires on <see cref="CurrentLoop"/>.</summary>
    public Deferred<string> Resolve(string name, double timeout = 10) => CurrentGroupLoop.Reactor.Resolve(name, timeout);

    /// <summary>
    /// The resolver every loop uses: the group shares one. Each loop passes itself as the resolver's
    /// reactor, so an answer arrives on the loop that asked; a caller resolving through the group passes
    /// <see cref="CurrentLoop"/>.
    /// </summary>
    public IHostnameResolver NameResolver => PrimaryLoop.Reactor.NameResolver;

    /// <summary>
    /// Installs <paramref name="resolver"/> on every loop (one shared instance, so it must be thread-safe:
    /// N loops call it at once) and returns the one it replaces. Call it before <see cref="Run()"/>; later,
    /// each loop picks it up on its next lookup.
    /// </summary>
    public IHostnameResolver InstallNameResolver(IHostnameResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var previous = PrimaryLoop.Reactor.InstallNameResolver(resolver);
        for (var i = 1; i < _loops.Length; i++)
        {
            _loops[i].Reactor.InstallNameResolver(resolver);
        }
        return previous;
    }

    /// <summary><see cref="CurrentLoop"/>'s clock. Loops were created moments apart, so their clocks differ by that much.</summary>
    public double Seconds() => CurrentGroupLoop.Reactor.Seconds();

    /// <summary>Schedules <paramref name="callable"/> on <see cref="CurrentLoop"/> (the primary, from setup code).</summary>
    public IDelayedCall CallLater(double delay, Action callable) => CurrentGroupLoop.Reactor.CallLater(delay, callable);

    /// <summary><see cref="CurrentLoop"/>'s pending calls.</summary>
    public IReadOnlyList<IDelayedCall> GetDelayedCalls() => CurrentGroupLoop.Reactor.GetDelayedCalls();

    /// <summary>
    /// Queues <paramref name="callable"/> for <see cref="CurrentLoop"/>: from a loop, that loop; from its
    /// thread-pool worker, the loop that gave the work; from any other thread, the primary. Thread-safe.
    /// </summary>
    public void CallFromThread(Action callable) => CurrentGroupLoop.Reactor.CallFromThread(callable);

    /// <summary>Runs <paramref name="callable"/> on <see cref="CurrentLoop"/>'s thread pool (each loop has its own).</summary>
    public void CallInThread(Action callable) => CurrentGroupLoop.Reactor.CallInThread(callable);

    /// <summary>Sets the bound of every loop's thread pool (each loop has its own pool of up to that many threads).</summary>
    public void SuggestThreadPoolSize(int size)
    {
        foreach (var loop in _loops)
        {
            loop.Reactor.SuggestThreadPoolSize(size);
        }
    }

    /// <summary><see cref="CurrentLoop"/>'s thread pool.</summary>
    public ReactorThreadPool GetThreadPool() => CurrentGroupLoop.Reactor.GetThreadPool();

    /// <summary>Connects from <see cref="CurrentLoop"/>: the connection lives there.</summary>
    public IConnector ConnectTcp(string host, int port, ClientFactory factory, double timeout = 30, EndPoint? bindAddress = null) =>
        CurrentGroupLoop.Reactor.ConnectTcp(host, port, factory, timeout, bindAddress);

    /// <summary>Starts the child on <see cref="CurrentLoop"/>: its pipes and its exit are handled there.</summary>
    public IProcessTransport SpawnProcess(ProcessProtocol processProtocol, string executable, IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null, string? path = null, int? uid = null, int? gid = null, bool usePty = false,
        IReadOnlyDictionary<int, ChildFd>? childFds = null) =>
        CurrentGroupLoop.Reactor.SpawnProcess(processProtocol, executable, args, env, path, uid, gid, usePty, childFds);

    /// <summary>Listens on <see cref="CurrentLoop"/> only: a Unix socket cannot be shared with <c>SO_REUSEPORT</c>.</summary>
    public IListeningPort ListenUnix(string path, Factory factory, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false) =>
        CurrentGroupLoop.Reactor.ListenUnix(path, factory, backlog, mode, wantPid);

    /// <summary>Connects from <see cref="CurrentLoop"/>.</summary>
    public IConnector ConnectUnix(string path, ClientFactory factory, double timeout = 30, bool checkPid = false) =>
        CurrentGroupLoop.Reactor.ConnectUnix(path, factory, timeout, checkPid);

    /// <summary>Binds a UDP port on <see cref="CurrentLoop"/>: one protocol, one transport, one loop.</summary>
    public IUdpTransport ListenUdp(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize) =>
        CurrentGroupLoop.Reactor.ListenUdp(port, protocol, interfaceAddress, maxPacketSize);

    /// <summary>Binds a multicast port on <see cref="CurrentLoop"/>.</summary>
    public IMulticastTransport ListenMulticast(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize, bool listenMultiple = false) =>
        CurrentGroupLoop.Reactor.ListenMulticast(port, protocol, interfaceAddress, maxPacketSize, listenMultiple);

    /// <summary>Connects with TLS from <see cref="CurrentLoop"/>.</summary>
    public IConnector ConnectSsl(string host, int port, ClientFactory factory, TlsClientOptions options, double timeout = 30, EndPoint? bindAddress = null) =>
        TlsReactor.ConnectSsl(CurrentGroupLoop.Reactor, host, port, factory, options, timeout, bindAddress);

    /// <summary>Runs a protocol on an already connected socket, on <see cref="CurrentLoop"/>.</summary>
    public void AdoptStreamConnection(int fileDescriptor, AddressFamily family, Factory factory) =>
        SocketCapable(CurrentGroupLoop).AdoptStreamConnection(fileDescriptor, family, factory);

    /// <summary>Serves an already bound datagram socket on <see cref="CurrentLoop"/>.</summary>
    public IUdpTransport AdoptDatagramPort(int fileDescriptor, AddressFamily family, DatagramProtocol protocol, int maxPacketSize = IReactorUdp.DefaultMaxPacketSize) =>
        SocketCapable(CurrentGroupLoop).AdoptDatagramPort(fileDescriptor, family, protocol, maxPacketSize);

    private static IReactorSocket SocketCapable(GroupLoop loop) =>
        loop.Reactor as IReactorSocket ?? throw new NotSupportedException($"The {loop.Reactor.Name} reactor cannot adopt sockets.");

    // ---- every loop ---------------------------------------------------------------------------------

    /// <summary>
    /// Listens on <paramref name="port"/> on every loop (see the class remarks): the port returned stands for
    /// all of them. Its <see cref="IListeningPort.GetHost"/> gives the address (the port picked, for 0); its
    /// <see cref="IListeningPort.StopListening"/> closes every loop's socket and fires, on the caller's loop,
    /// once all are closed. <paramref name="factory"/>'s <see cref="Factory.BuildProtocol"/> runs on every
    /// loop's thread at once: its shared state must be thread-safe.
    /// </summary>
    /// <exception cref="CannotListenError">The address is in use (by anyone, including another group), not permitted or invalid.</exception>
    public IListeningPort ListenTcp(int port, Factory factory, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "")
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (_loops.Length == 1 || !SpreadsListeningPorts)
        {
            return CurrentGroupLoop.Reactor.ListenTcp(port, factory, backlog, interfaceAddress);
        }
        var address = TcpAddresses.ListenAddress(port, interfaceAddress);
        var listeners = SharedListeners.ReusePort(address, backlog, _loops.Length);
        if (listeners is null)
        {
            // The kernel refused SO_REUSEPORT (an old or sandboxed one): serve from one loop.
            return CurrentGroupLoop.Reactor.ListenTcp(port, factory, backlog, interfaceAddress);
        }
        return Spread(listeners, factory);
    }

    /// <summary>
    /// Listens for TLS on every loop, as <see cref="ListenTcp"/> does (TLS is a protocol over its
    /// connections). The handshakes of different connections run on different loops at once.
    /// </summary>
    /// <exception cref="CannotListenError">The address is in use, not permitted or invalid.</exception>
    public IListeningPort ListenSsl(int port, Factory factory, TlsServerOptions options, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "") =>
        TlsReactor.ListenSsl(this, port, factory, options, backlog, interfaceAddress);

    /// <summary>
    /// Serves an already listening socket (inherited from systemd, say) on every loop: each loop accepts
    /// from its own duplicate of it, so all share one accept queue and whichever loop wakes first takes a
    /// connection. The caller keeps <paramref name="fileDescriptor"/>. The port returned stands for all
    /// loops, as <see cref="ListenTcp"/>'s does; <paramref name="factory"/> is used on every loop's thread at once.
    /// </summary>
    /// <exception cref="ArgumentException">The descriptor's family is not <paramref name="family"/>, or it is not a socket.</exception>
    public IListeningPort AdoptStreamPort(int fileDescriptor, AddressFamily family, Factory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (_loops.Length == 1)
        {
            return SocketCapable(CurrentGroupLoop).AdoptStreamPort(fileDescriptor, family, factory);
        }
        return Spread(SharedListeners.Duplicates(fileDescriptor, family, _loops.Length), factory);
    }

    private GroupListeningPort Spread(BoundListener[] listeners, Factory factory)
    {
        var port = new GroupListeningPort(this, _loops, listeners, factory);
        lock (_lock)
        {
            _ports.Add(port);
        }
        port.Start();
        return port;
    }

    /// <summary>A group port has finished: nothing is left for the shutdown sweep to close.</summary>
    internal void Forget(GroupListeningPort port)
    {
        lock (_lock)
        {
            _ports.Remove(port);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ReactorGroup({Name} x {Count})";
}

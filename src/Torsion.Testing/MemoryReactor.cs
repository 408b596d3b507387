using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// A reactor that does no I/O, for unit tests (Twisted's <c>MemoryReactor</c> and
/// <c>MemoryReactorClock</c> in one): it records <see cref="ListenTcp"/>, <see cref="ConnectTcp"/> and
/// <see cref="SpawnProcess"/> calls, keeps time with a fake <see cref="Clock"/>, and runs system event triggers.
/// </summary>
/// <remarks>
/// Everything happens on the test's thread and only when the test asks:
/// <list type="bullet">
/// <item><see cref="Run"/> fires the startup event and returns at once, leaving the reactor
/// <see cref="Running"/> until <see cref="Stop"/> fires the shutdown event (Twisted's version stops
/// straight away; keeping it running lets a test look at the running state).</item>
/// <item><see cref="CallFromThread"/> only queues (any thread may call it); the queue runs, in order,
/// on the next <see cref="Iterate"/>, never inside the call, just as a real reactor runs it on a later pass.</item>
/// <item><see cref="CallInThread"/> runs the work synchronously on the caller's thread, so a test is deterministic.</item>
/// <item>A before trigger may return a Deferred: if it has not fired, the event waits, and the first
/// <see cref="Iterate"/> after it fires runs the during and after phases.</item>
/// <item>Exceptions from triggers, thread calls and pool work are collected in <see cref="Errors"/>
/// (where a real reactor would log them) and the rest goes on; assert that it is empty.</item>
/// </list>
/// </remarks>
public sealed class MemoryReactor : IReactor, IReactorFDSet
{
    private readonly ConcurrentQueue<Action> _threadCalls = new();
    private readonly List<Exception> _errors = new();
    private readonly List<TcpServerRecord> _tcpServers = new();
    private readonly List<TcpClientRecord> _tcpClients = new();
    private readonly List<MemoryListeningPort> _ports = new();
    private readonly List<MemoryConnector> _connectors = new();
    private readonly List<UdpServerRecord> _udpServers = new();
    private readonly List<MemoryUdpPort> _udpPorts = new();
    private readonly List<IReadDescriptor> _readers = new();
    private readonly List<IWriteDescriptor> _writers = new();
    private readonly MemorySystemEvents _events;
    private ReactorThreadPool? _threadPool;
    private bool _stopping;

    /// <summary>Creates a reactor that is not running, with a clock at 0.</summary>
    public MemoryReactor() => _events = new MemorySystemEvents(_errors.Add);

    /// <summary>Always "memory".</summary>
    public string Name => "memory";

    /// <summary>The fake clock behind <see cref="Seconds"/> and <see cref="CallLater"/>; advance it to run timed calls.</summary>
    public Clock Clock { get; } = new();

    /// <inheritdoc />
    public bool Running { get; private set; }

    /// <summary>True once <see cref="Run"/> has been called.</summary>
    public bool HasRun { get; private set; }

    /// <summary>True once <see cref="Stop"/> has been called.</summary>
    public bool HasStopped { get; private set; }

    /// <summary>True once <see cref="Crash"/> has been called.</summary>
    public bool HasCrashed { get; private set; }

    /// <summary>Exceptions thrown by triggers, thread calls and <see cref="CallInThread"/> work, in order.</summary>
    public IReadOnlyList<Exception> Errors => _errors;

    /// <summary>Every <see cref="ListenTcp"/> call, in order.</summary>
    public IReadOnlyList<TcpServerRecord> TcpServers => _tcpServers;

    /// <summary>Every <see cref="ListenUdp"/> and <see cref="ListenMulticast"/> call, in order.</summary>
    public IReadOnlyList<UdpServerRecord> UdpServers => _udpServers;

    /// <summary>The ports returned by <see cref="ListenUdp"/> and <see cref="ListenMulticast"/>, in order; each has started its protocol.</summary>
    public IReadOnlyList<MemoryUdpPort> UdpPorts => _udpPorts;

    /// <summary>Every <see cref="ConnectTcp"/> call, in order.</summary>
    public IReadOnlyList<TcpClientRecord> TcpClients => _tcpClients;

    /// <summary>Every <see cref="ListenUnix"/> call, in order.</summary>
    public IReadOnlyList<UnixServerRecord> UnixServers => _unixServers;

    /// <summary>Every <see cref="ConnectUnix"/> call, in order.</summary>
    public IReadOnlyList<UnixClientRecord> UnixClients => _unixClients;

    private readonly List<UnixServerRecord> _unixServers = new();
    private readonly List<UnixClientRecord> _unixClients = new();

    /// <summary>The ports returned by <see cref="ListenTcp"/> and <see cref="ListenUnix"/>, in order.</summary>
    public IReadOnlyList<MemoryListeningPort> Ports => _ports;

    /// <summary>The connectors returned by <see cref="ConnectTcp"/> and <see cref="ConnectUnix"/>, in order.</summary>
    public IReadOnlyList<MemoryConnector> Connectors => _connectors;

    /// <summary>Host names <see cref="Resolve"/> knows (case-insensitive); "localhost" maps to 127.0.0.1 to begin with.</summary>
    public IDictionary<string, string> HostNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["localhost"] = "127.0.0.1" };

    /// <summary>The size most recently passed to <see cref="SuggestThreadPoolSize"/> (10 until then).</summary>
    public int ThreadPoolSize { get; private set; } = 10;

    /// <summary>How many <see cref="CallFromThread"/> calls wait for the next <see cref="Iterate"/>.</summary>
    public int PendingThreadCalls => _threadCalls.Count;

    /// <summary>Fires the startup event (Running becomes true at the start of its during phase) and returns.</summary>
    /// <exception cref="ReactorAlreadyRunningException">It is running.</exception>
    /// <exception cref="ReactorNotRestartableException">It ran before.</exception>
    public void Run()
    {
        if (Running)
        {
            throw new ReactorAlreadyRunningException();
        }
        if (HasRun)
        {
            throw new ReactorNotRestartableException();
        }
        HasRun = true;
        _events.Fire(SystemEvent.Startup, () => Running = true);
    }

    /// <summary>
    /// Fires the shutdown event: Running becomes false at the start of its during phase, and the
    /// thread pool, if one was made, is stopped. A before trigger's unfired Deferred holds the event
    /// until a later <see cref="Iterate"/>.
    /// </summary>
    /// <exception cref="ReactorNotRunningException">It is not running, or is already stopping.</exception>
    public void Stop()
    {
        if (!Running || _stopping)
        {
            throw new ReactorNotRunningException();
        }
        _stopping = true;
        HasStopped = true;
        _events.Fire(SystemEvent.Shutdown, () =>
        {
            Running = false;
            _threadPool?.Stop();
        });
    }

    /// <summary>Sets Running to false without firing any trigger.</summary>
    public void Crash()
    {
        Running = false;
        HasCrashed = true;
    }

    /// <summary>
    /// One pass of the fake loop: advances <see cref="Clock"/> by <paramref name="delay"/> (running what
    /// becomes due), runs the queued <see cref="CallFromThread"/> calls, and finishes system events whose
    /// before-trigger Deferreds have fired.
    /// </summary>
    public void Iterate(double delay = 0)
    {
        Clock.Advance(delay);
        // Only what was queued before this pass: a thread call that queues another waits for the next.
        for (var n = _threadCalls.Count; n > 0 && _threadCalls.TryDequeue(out var call); n--)
        {
            Guard(call);
        }
        _events.ResumeReady();
    }

    /// <inheritdoc />
    public TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Func<Deferred?> callable) =>
        _events.Add(phase, eventType, callable);

    /// <inheritdoc />
    public TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Action callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        return _events.Add(phase, eventType, () =>
        {
            callable();
            return null;
        });
    }

    /// <inheritdoc />
    public void RemoveSystemEventTrigger(TriggerId id) => _events.Remove(id);

    /// <inheritdoc />
    public void FireSystemEvent(string eventType) => _events.Fire(eventType);

    /// <inheritdoc />
    public TriggerId? CallWhenRunning(Action callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        if (Running)
        {
            callable();
            return null;
        }
        return AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Startup, callable);
    }

    /// <summary>
    /// The resolver <see cref="Resolve"/> and endpoints use: until one is installed, a resolver that answers
    /// at once from IP literals and <see cref="HostNames"/> and fails with <see cref="DnsLookupError"/> otherwise.
    /// </summary>
    public IHostnameResolver NameResolver => _nameResolver ??= new MemoryHostnameResolver(HostNames);

    private IHostnameResolver? _nameResolver;
    private bool _resolverInstalled;

    /// <inheritdoc />
    public IHostnameResolver InstallNameResolver(IHostnameResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var previous = NameResolver;
        _nameResolver = resolver;
        _resolverInstalled = true;
        return previous;
    }

    /// <summary>
    /// Answers at once from an IP literal or <see cref="HostNames"/>; this reactor never touches DNS. Once a
    /// resolver is installed (<see cref="InstallNameResolver"/>), names go to it instead.
    /// </summary>
    /// <exception cref="NotSupportedException"><paramref name="name"/> is neither and no resolver is installed; add it to <see cref="HostNames"/>.</exception>
    public Deferred<string> Resolve(string name, double timeout = 10)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IPAddress.TryParse(name, out var address))
        {
            return Deferred.Succeed(address.ToString());
        }
        if (_resolverInstalled)
        {
            return NameResolver.ResolveHostName(this, name).AddCallback(addresses =>
                (addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0]).Address.ToString());
        }
        if (HostNames.TryGetValue(name, out var known))
        {
            return Deferred.Succeed(known);
        }
        throw new NotSupportedException($"MemoryReactor cannot resolve '{name}': add it to HostNames.");
    }

    /// <inheritdoc />
    public double Seconds() => Clock.Seconds();

    /// <inheritdoc />
    public IDelayedCall CallLater(double delay, Action callable) => Clock.CallLater(delay, callable);

    /// <inheritdoc />
    public IReadOnlyList<IDelayedCall> GetDelayedCalls() => Clock.GetDelayedCalls();

    /// <summary>Queues <paramref name="callable"/> for the next <see cref="Iterate"/>. Safe from any thread.</summary>
    public void CallFromThread(Action callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        _threadCalls.Enqueue(callable);
    }

    /// <summary>Runs <paramref name="callable"/> at once on the calling thread, so tests stay deterministic; an exception goes to <see cref="Errors"/>.</summary>
    public void CallInThread(Action callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        Guard(callable);
    }

    /// <inheritdoc />
    public void SuggestThreadPoolSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ThreadPoolSize = size;
        _threadPool?.AdjustPoolSize(size);
    }

    /// <summary>A real pool, made on first use and stopped during shutdown; <see cref="CallInThread"/> does not use it.</summary>
    public ReactorThreadPool GetThreadPool() => _threadPool ??= new ReactorThreadPool(ThreadPoolSize, "memory-reactor-pool");

    /// <summary>Records the call and returns a <see cref="MemoryListeningPort"/> that accepts nothing.</summary>
    public IListeningPort ListenTcp(int port, Factory factory, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "")
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(interfaceAddress);
        _tcpServers.Add(new TcpServerRecord(port, factory, backlog, interfaceAddress));
        var host = IPAddress.TryParse(interfaceAddress, out var address) ? address : IPAddress.Any;
        var listening = new MemoryListeningPort(new IPEndPoint(host, port));
        _ports.Add(listening);
        return listening;
    }

    /// <summary>Records the call and returns a port that only records StopListening.</summary>
    public IListeningPort ListenUnix(string path, Factory factory, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(factory);
        _unixServers.Add(new UnixServerRecord(path, factory, backlog, mode, wantPid));
        var listening = new MemoryListeningPort(new UnixDomainSocketEndPoint(path));
        _ports.Add(listening);
        return listening;
    }

    /// <summary>Records the call, tells the factory <c>StartedConnecting</c> and returns a connector that never connects by itself.</summary>
    public IConnector ConnectUnix(string path, ClientFactory factory, double timeout = 30, bool checkPid = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(factory);
        _unixClients.Add(new UnixClientRecord(path, factory, timeout, checkPid));
        var connector = new MemoryConnector(new UnixDomainSocketEndPoint(path));
        _connectors.Add(connector);
        factory.StartedConnecting(connector);
        return connector;
    }

    /// <summary>Records the call and returns a started <see cref="MemoryUdpPort"/>.</summary>
    public IUdpTransport ListenUdp(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize) =>
        RecordUdp(port, protocol, interfaceAddress, maxPacketSize, multicast: false, listenMultiple: false);

    /// <summary>Records the call and returns a started <see cref="MemoryUdpPort"/>.</summary>
    public IMulticastTransport ListenMulticast(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize, bool listenMultiple = false) =>
        RecordUdp(port, protocol, interfaceAddress, maxPacketSize, multicast: true, listenMultiple);

    private MemoryUdpPort RecordUdp(int port, DatagramProtocol protocol, string interfaceAddress, int maxPacketSize, bool multicast, bool listenMultiple)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(interfaceAddress);
        _udpServers.Add(new UdpServerRecord(port, protocol, interfaceAddress, maxPacketSize, multicast, listenMultiple));
        var host = IPAddress.TryParse(interfaceAddress, out var address) ? address : IPAddress.Any;
        var udp = new MemoryUdpPort(new IPEndPoint(host, port), protocol);
        _udpPorts.Add(udp);
        udp.Start();
        return udp;
    }

    /// <summary>
    /// Records the call and returns a <see cref="MemoryProcessTransport"/> (no process starts): the protocol is
    /// connected to it at once, and the test plays the child through it (see <see cref="Processes"/>). Its
    /// descriptors are <paramref name="childFds"/>' keys (0, 1 and 2 by default and with a pseudo-terminal).
    /// </summary>
    public IProcessTransport SpawnProcess(ProcessProtocol processProtocol, string executable, IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null, string? path = null, int? uid = null, int? gid = null, bool usePty = false,
        IReadOnlyDictionary<int, ChildFd>? childFds = null)
    {
        ArgumentNullException.ThrowIfNull(processProtocol);
        ArgumentNullException.ThrowIfNull(executable);
        var transport = new MemoryProcessTransport(processProtocol, 1000 + _processes.Count, usePty || childFds is null ? [0, 1, 2] : childFds.Keys);
        _processes.Add(new ProcessRecord(processProtocol, executable, args, env, path, uid, gid, usePty, childFds, transport));
        processProtocol.MakeConnection(transport);
        return transport;
    }

    /// <summary>Every <see cref="SpawnProcess"/> call, in order.</summary>
    public IReadOnlyList<ProcessRecord> Processes => _processes;

    private readonly List<ProcessRecord> _processes = new();

    /// <summary>
    /// Records the call, tells the factory <c>StartedConnecting</c> (as Twisted's does) and returns a
    /// <see cref="MemoryConnector"/> that never connects.
    /// </summary>
    public IConnector ConnectTcp(string host, int port, ClientFactory factory, double timeout = 30, EndPoint? bindAddress = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(factory);
        _tcpClients.Add(new TcpClientRecord(host, port, factory, timeout, bindAddress));
        EndPoint destination = IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : new DnsEndPoint(host, port, AddressFamily.Unspecified);
        var connector = new MemoryConnector(destination);
        _connectors.Add(connector);
        factory.StartedConnecting(connector);
        return connector;
    }

    /// <inheritdoc />
    public void AddReader(IReadDescriptor reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!_readers.Contains(reader))
        {
            _readers.Add(reader);
        }
    }

    /// <inheritdoc />
    public void AddWriter(IWriteDescriptor writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!_writers.Contains(writer))
        {
            _writers.Add(writer);
        }
    }

    /// <inheritdoc />
    public void RemoveReader(IReadDescriptor reader) => _readers.Remove(reader);

    /// <inheritdoc />
    public void RemoveWriter(IWriteDescriptor writer) => _writers.Remove(writer);

    /// <inheritdoc />
    public IReadOnlyList<IFileDescriptor> RemoveAll()
    {
        var all = _readers.Cast<IFileDescriptor>().Union(_writers).ToArray();
        _readers.Clear();
        _writers.Clear();
        return all;
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadDescriptor> GetReaders() => _readers.ToArray();

    /// <inheritdoc />
    public IReadOnlyList<IWriteDescriptor> GetWriters() => _writers.ToArray();

    private void Guard(Action callable)
    {
        try
        {
            callable();
        }
        catch (Exception e)
        {
            _errors.Add(e);
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A completion reactor over <see cref="System.Net.Sockets"/> async operations (Twisted's IOCP idea):
/// the runtime performs the I/O and reports completions on its own threads; each completion is queued
/// here and handled on the loop thread, so protocols see exactly what the readiness backends give them.
/// Portable to Windows and macOS. It has no <see cref="IReactorFDSet"/>: the runtime owns the sockets'
/// readiness, so there are no descriptors to hand out.
/// </summary>
internal sealed class SocketsReactor : ReactorBase, IReactorSocket
{
    private readonly ConcurrentQueue<SocketOperation> _completions = new();
    private readonly ManualResetEventSlim _signal = new(false);
    private readonly HashSet<ISocketOwner> _owners = new();
    private int _signalled;

    internal SocketsReactor(TimeProvider? time = null) : base(time)
    {
    }

    /// <inheritdoc />
    public override string Name => "sockets";

    /// <summary>
    /// One receive buffer for the whole loop. Connections wait for data with zero-byte receives and
    /// only then read into this buffer synchronously, so an idle connection holds no buffer at all.
    /// </summary>
    internal byte[] ReceiveBuffer { get; } = GC.AllocateArray<byte>(64 * 1024, pinned: true);

    /// <summary>Write-buffer segments shared by the loop's connections.</summary>
    internal SegmentPool SegmentPool { get; } = new();

    /// <summary>Queues a finished operation for the loop; called on runtime I/O threads.</summary>
    internal void Post(SocketOperation operation)
    {
        _completions.Enqueue(operation);
        Signal();
    }

    private void Signal()
    {
        // One Set per loop pass however many completions arrive: the loop clears the flag before it drains.
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.Set();
        }
    }

    /// <inheritdoc />
    protected override void WakeUp() => Signal();

    /// <inheritdoc />
    protected override void DoIteration(int timeoutMs)
    {
        if (_completions.IsEmpty && Volatile.Read(ref _signalled) == 0 && timeoutMs != 0)
        {
            _signal.Wait(timeoutMs);
        }
        WaitReturned();
        // Reset before draining: a completion queued after this point sets the event again, and one
        // queued before it is drained below, so none is ever left waiting for an unrelated wake-up.
        _signal.Reset();
        Volatile.Write(ref _signalled, 0);
        // Each operation is re-posted only by the loop, so this drains a bounded number of entries.
        while (_completions.TryDequeue(out var operation))
        {
            try
            {
                operation.Dispatch();
            }
            catch (Exception e)
            {
                LogError("Unhandled error handling a socket completion", e);
            }
        }
    }

    /// <summary>Tracks a live port, connection or connector so shutdown can reach it.</summary>
    internal void Register(ISocketOwner owner) => _owners.Add(owner);

    /// <summary>Stops tracking an owner that closed.</summary>
    internal void Unregister(ISocketOwner owner) => _owners.Remove(owner);

    /// <inheritdoc />
    protected override void DisconnectAll()
    {
        var lost = new Failure(new ConnectionLost("The reactor shut down."));
        foreach (var owner in _owners.ToArray())
        {
            try
            {
                owner.Shutdown(lost);
            }
            catch (Exception e)
            {
                LogError("Unhandled error in ConnectionLost during shutdown", e);
            }
        }
        _owners.Clear();
    }

    // ---- TCP -------------------------------------------------------------------------------------

    /// <inheritdoc />
    public override IListeningPort ListenTcp(int port, Factory factory, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "")
    {
        var address = TcpAddresses.ListenAddress(port, interfaceAddress);
        var p = new SocketsTcpPort(this, address, factory, backlog);
        p.StartListening();
        return p;
    }

    /// <inheritdoc />
    public override IListeningPort ListenUnix(string path, Factory factory, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false)
    {
        var p = new SocketsTcpPort(this, new UnixDomainSocketEndPoint(path), factory, backlog, new UnixListenOptions(path, mode, wantPid));
        p.StartListening();
        return p;
    }

    /// <inheritdoc />
    public override IConnector ConnectUnix(string path, ClientFactory factory, double timeout = 30, bool checkPid = false)
    {
        var c = new SocketsTcpConnector(this, new UnixDomainSocketEndPoint(path), factory, timeout, checkPid);
        c.Connect();
        return c;
    }

    /// <inheritdoc />
    public IListeningPort AdoptStreamPort(int fileDescriptor, AddressFamily family, Factory factory)
    {
        var socket = Adopt(fileDescriptor, family);
        return Serve(socket, socket.LocalEndPoint!, factory);
    }

    /// <inheritdoc />
    internal override IListeningPort ListenOnDescriptor(int fileDescriptor, EndPoint host, Factory factory)
    {
        // Never read this Socket's Handle: on Unix that switches the shared open file to
        // blocking mode, under the accepts of every loop.
        var socket = new Socket(new SafeSocketHandle(fileDescriptor, ownsHandle: true)) { Blocking = false };
        return Serve(socket, host, factory);
    }

    private SocketsTcpPort Serve(Socket socket, EndPoint host, Factory factory)
    {
        try
        {
            var port = new SocketsTcpPort(this, host, factory, 0);
            port.Adopt(socket);
            return port;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void AdoptStreamConnection(int fileDescriptor, AddressFamily family, Factory factory)
    {
        var socket = Adopt(fileDescriptor, family);
        var peer = socket.RemoteEndPoint ?? throw new ArgumentException($"Descriptor {fileDescriptor} is not connected.", nameof(fileDescriptor));
        var protocol = factory.BuildProtocol(peer);
        if (protocol is null)
        {
            socket.Dispose();
            return;
        }
        new SocketsTcpConnection(this, socket, peer, isUnix: family == AddressFamily.Unix).Start(protocol);
    }

    /// <inheritdoc />
    public IUdpTransport AdoptDatagramPort(int fileDescriptor, AddressFamily family, DatagramProtocol protocol, int maxPacketSize = IReactorUdp.DefaultMaxPacketSize)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        UdpAddresses.CheckAdopted(family, maxPacketSize);
        var socket = Adopt(fileDescriptor, family);
        var p = new SocketsUdpPort(this, (IPEndPoint)socket.LocalEndPoint!, protocol, maxPacketSize, listenMultiple: false);
        p.Adopt(socket);
        return p;
    }

    private static Socket Adopt(int fileDescriptor, AddressFamily family)
    {
        var fd = PosixSocket.DuplicateNonBlocking(fileDescriptor);
        PosixSocket.CheckFamily(fd, family);
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        socket.Blocking = false;
        return socket;
    }

    /// <inheritdoc />
    public override IConnector ConnectTcp(string host, int port, ClientFactory factory, double timeout = 30, EndPoint? bindAddress = null)
    {
        var c = new SocketsTcpConnector(this, host, port, factory, timeout, bindAddress);
        c.Connect();
        return c;
    }

    // ---- UDP -------------------------------------------------------------------------------------

    /// <inheritdoc />
    protected override IMulticastTransport ListenDatagram(int port, DatagramProtocol protocol, string interfaceAddress, int maxPacketSize, bool listenMultiple)
    {
        var address = UdpAddresses.ListenAddress(port, interfaceAddress, maxPacketSize);
        var p = new SocketsUdpPort(this, address, protocol, maxPacketSize, listenMultiple);
        p.StartListening();
        return p;
    }

    // ---- processes -------------------------------------------------------------------------------

    /// <inheritdoc />
    public override IProcessTransport SpawnProcess(ProcessProtocol processProtocol, string executable, IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null, string? path = null, int? uid = null, int? gid = null, bool usePty = false,
        IReadOnlyDictionary<int, ChildFd>? childFds = null) =>
        ProcessSpawner.Spawn(this, processProtocol, executable, args, env, path, uid, gid, usePty, childFds);
}

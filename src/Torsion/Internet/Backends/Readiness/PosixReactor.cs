using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A readiness reactor over raw descriptors: epoll, poll or select, chosen by its <see cref="Poller"/>.
/// Every socket it owns (TCP connections and ports included) is an <see cref="IReadDescriptor"/>/
/// <see cref="IWriteDescriptor"/> registered through the same <see cref="IReactorFDSet"/> calls a user
/// makes, so there is one dispatch path: poller event → <c>DoRead</c>/<c>DoWrite</c>.
/// </summary>
internal sealed class PosixReactor : ReactorBase, IReactorFDSet, IReactorSocket
{
    /// <summary>Per descriptor number: who reads, who writes, and a generation that tags poller tokens.</summary>
    private struct Entry
    {
        public IReadDescriptor? Reader;
        public IWriteDescriptor? Writer;
        public uint Generation;
        public bool InPoller;
    }

    private readonly Poller _poller;
    // Set on the io_uring loop: connections do their I/O through its ring (UringTcpConnection).
    private readonly UringPoller? _uring;
    private readonly string _name;
    private readonly PollerEvent[] _events = new PollerEvent[1024];
    private readonly Waker _waker;
    private Entry[] _entries = new Entry[256];
    private int _readerCount;
    private int _writerCount;

    internal PosixReactor(string name, Poller poller, TimeProvider? time = null) : base(time)
    {
        _name = name;
        _poller = poller;
        _uring = poller as UringPoller;
        _waker = new Waker();
        AddReader(_waker);
    }

    /// <inheritdoc />
    public override string Name => _name;

    /// <summary>
    /// One receive buffer for the whole loop: a connection reads into it and hands a span of it to
    /// DataReceived, so an idle connection holds no buffer at all. Pinned, so reads need no fixing.
    /// </summary>
    internal byte[] ReceiveBuffer { get; } = GC.AllocateArray<byte>(64 * 1024, pinned: true);

    /// <summary>Write-buffer segments shared by the loop's connections.</summary>
    internal SegmentPool SegmentPool { get; } = new();

    /// <summary>The io_uring loop's poller, which also routes completions (null on the other pollers).</summary>
    internal UringPoller? Uring => _uring;

    /// <summary>
    /// The transport for a connected socket <paramref name="fd"/> (accepted, connected or adopted): the
    /// completion-based <see cref="UringTcpConnection"/> on the io_uring loop, a readiness
    /// <see cref="TcpConnection"/> elsewhere.
    /// </summary>
    internal StreamTransport NewConnection(int fd, EndPoint peer, bool isUnix, bool adopted = false) =>
        _uring is { } uring
            ? new UringTcpConnection(this, uring, fd, peer, isUnix)
            : new TcpConnection(this, fd, peer, isUnix, adopted);

    /// <inheritdoc />
    protected override void WakeUp() => _waker.Wake();

    /// <inheritdoc />
    protected override void ReleaseResources()
    {
        _poller.Dispose();
        _waker.Close();
    }

    /// <inheritdoc />
    protected override void DoIteration(int timeoutMs)
    {
        var events = _events;
        var n = _poller.Wait(events, timeoutMs);
        WaitReturned();
        for (var i = 0; i < n; i++)
        {
            Dispatch(in events[i]);
        }
    }

    private void Dispatch(in PollerEvent ev)
    {
        var fd = (int)(uint)ev.Token;
        var generation = (uint)(ev.Token >> 32);
        if ((uint)fd >= (uint)_entries.Length)
        {
            return;
        }
        ref var entry = ref _entries[fd];
        // A descriptor closed earlier in this batch may already have been replaced by a new one
        // with the same number: its generation differs, so the stale event is dropped.
        if (entry.Generation != generation || !entry.InPoller)
        {
            return;
        }
        IFileDescriptor? target = null;
        Failure? why = null;
        try
        {
            var reader = entry.Reader;
            if (reader is not null && (ev.Readable || ev.Disconnected))
            {
                target = reader;
                why = reader.DoRead();
            }
            // The read may have unregistered or replaced the descriptor: look again.
            if (why is null && (ev.Writable || (ev.Disconnected && reader is null)))
            {
                ref var again = ref _entries[fd];
                if (again.Generation == generation && again.Writer is { } writer)
                {
                    target = writer;
                    why = writer.DoWrite();
                }
            }
        }
        catch (Exception e)
        {
            LogError("Unhandled error in DoRead/DoWrite", e);
            why = new Failure(e);
        }
        if (why is not null && target is not null)
        {
            DisconnectSelectable(target, why);
        }
    }

    private void DisconnectSelectable(IFileDescriptor d, Failure why)
    {
        // A TCP connection unregisters itself as it closes its descriptor, which lets epoll skip
        // the EPOLL_CTL_DEL that close(2) makes redundant (TcpConnection.ConnectionLost).
        if (d is TcpConnection)
        {
            try
            {
                d.ConnectionLost(why);
            }
            catch (Exception e)
            {
                LogError("Unhandled error in ConnectionLost", e);
            }
            return;
        }
        if (d is IReadDescriptor r)
        {
            RemoveReader(r);
        }
        if (d is IWriteDescriptor w)
        {
            RemoveWriter(w);
        }
        try
        {
            d.ConnectionLost(why);
        }
        catch (Exception e)
        {
            LogError("Unhandled error in ConnectionLost", e);
        }
    }

    // ---- IReactorFDSet -------------------------------------------------------------------------

    private ref Entry EntryFor(int fd)
    {
        if (fd < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fd), fd, "Not an open descriptor.");
        }
        if (fd >= _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(fd + 1, _entries.Length * 2));
        }
        return ref _entries[fd];
    }

    private void Update(int fd, ref Entry e, bool closing = false)
    {
        var read = e.Reader is not null;
        var write = e.Writer is not null;
        if (!read && !write)
        {
            if (e.InPoller)
            {
                if (closing)
                {
                    _poller.Forget(fd);
                }
                else
                {
                    _poller.Remove(fd);
                }
                e.InPoller = false;
                e.Generation++;
            }
            return;
        }
        var token = (uint)fd | ((ulong)e.Generation << 32);
        if (e.InPoller)
        {
            _poller.Modify(fd, token, read, write);
        }
        else
        {
            _poller.Add(fd, token, read, write);
            e.InPoller = true;
        }
    }

    /// <inheritdoc />
    public void AddReader(IReadDescriptor reader)
    {
        var fd = reader.FileDescriptor;
        ref var e = ref EntryFor(fd);
        if (ReferenceEquals(e.Reader, reader))
        {
            return;
        }
        if (e.Reader is not null)
        {
            throw new InvalidOperationException($"Descriptor {fd} already has a different reader.");
        }
        e.Reader = reader;
        try
        {
            Update(fd, ref e);
        }
        catch
        {
            e.Reader = null;
            throw;
        }
        _readerCount++;
    }

    /// <inheritdoc />
    public void AddWriter(IWriteDescriptor writer)
    {
        var fd = writer.FileDescriptor;
        ref var e = ref EntryFor(fd);
        if (ReferenceEquals(e.Writer, writer))
        {
            return;
        }
        if (e.Writer is not null)
        {
            throw new InvalidOperationException($"Descriptor {fd} already has a different writer.");
        }
        e.Writer = writer;
        try
        {
            Update(fd, ref e);
        }
        catch
        {
            e.Writer = null;
            throw;
        }
        _writerCount++;
    }

    /// <inheritdoc />
    public void RemoveReader(IReadDescriptor reader)
    {
        var fd = reader.FileDescriptor;
        if ((uint)fd >= (uint)_entries.Length || !ReferenceEquals(_entries[fd].Reader, reader))
        {
            return;
        }
        ref var e = ref _entries[fd];
        e.Reader = null;
        _readerCount--;
        Update(fd, ref e);
    }

    /// <inheritdoc />
    public void RemoveWriter(IWriteDescriptor writer)
    {
        var fd = writer.FileDescriptor;
        if ((uint)fd >= (uint)_entries.Length || !ReferenceEquals(_entries[fd].Writer, writer))
        {
            return;
        }
        ref var e = ref _entries[fd];
        e.Writer = null;
        _writerCount--;
        Update(fd, ref e);
    }

    /// <summary>
    /// Drops both registrations of a descriptor its owner is about to close, when that descriptor is
    /// the only one for its open file (a socket Torsion created or accepted, not an adopted or dup'd
    /// one): the bookkeeping and the generation change as for <see cref="RemoveReader"/>, but the
    /// poller may leave the kernel side to close(2).
    /// </summary>
    internal void RemoveClosing(IFileDescriptor descriptor)
    {
        var fd = descriptor.FileDescriptor;
        if ((uint)fd >= (uint)_entries.Length)
        {
            return;
        }
        ref var e = ref _entries[fd];
        var changed = false;
        if (e.Reader is not null && ReferenceEquals(e.Reader, descriptor))
        {
            e.Reader = null;
            _readerCount--;
            changed = true;
        }
        if (e.Writer is not null && ReferenceEquals(e.Writer, descriptor))
        {
            e.Writer = null;
            _writerCount--;
            changed = true;
        }
        if (changed)
        {
            Update(fd, ref e, closing: true);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<IFileDescriptor> RemoveAll()
    {
        var removed = new List<IFileDescriptor>();
        for (var fd = 0; fd < _entries.Length; fd++)
        {
            ref var e = ref _entries[fd];
            var r = e.Reader;
            var w = e.Writer;
            if (ReferenceEquals(r, _waker))
            {
                continue;
            }
            if (r is not null)
            {
                removed.Add(r);
                RemoveReader(r);
            }
            if (w is not null)
            {
                if (!ReferenceEquals(w, r))
                {
                    removed.Add(w);
                }
                RemoveWriter(w);
            }
        }
        return removed;
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadDescriptor> GetReaders()
    {
        var list = new List<IReadDescriptor>(_readerCount);
        foreach (var e in _entries)
        {
            if (e.Reader is { } r && !ReferenceEquals(r, _waker))
            {
                list.Add(r);
            }
        }
        return list;
    }

    /// <inheritdoc />
    public IReadOnlyList<IWriteDescriptor> GetWriters()
    {
        var list = new List<IWriteDescriptor>(_writerCount);
        foreach (var e in _entries)
        {
            if (e.Writer is { } w)
            {
                list.Add(w);
            }
        }
        return list;
    }

    /// <inheritdoc />
    protected override void DisconnectAll()
    {
        var lost = new Failure(new ConnectionLost("The reactor shut down."));
        foreach (var d in RemoveAll())
        {
            try
            {
                d.ConnectionLost(lost);
            }
            catch (Exception e)
            {
                LogError("Unhandled error in ConnectionLost during shutdown", e);
            }
        }
        if (_uring is { } uring)
        {
            foreach (var owner in uring.AttachedOwners())
            {
                try
                {
                    owner.Lost(lost);
                }
                catch (Exception e)
                {
                    LogError("Unhandled error in ConnectionLost during shutdown", e);
                }
            }
        }
    }

    // ---- TCP -------------------------------------------------------------------------------------

    /// <inheritdoc />
    public override IListeningPort ListenTcp(int port, Factory factory, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "")
    {
        var address = TcpAddresses.ListenAddress(port, interfaceAddress);
        var p = new TcpPort(this, address, factory, backlog);
        p.StartListening();
        return p;
    }

    /// <inheritdoc />
    public override IListeningPort ListenUnix(string path, Factory factory, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false)
    {
        var p = new TcpPort(this, new System.Net.Sockets.UnixDomainSocketEndPoint(path), factory, backlog, new UnixListenOptions(path, mode, wantPid));
        p.StartListening();
        return p;
    }

    /// <inheritdoc />
    public override IConnector ConnectUnix(string path, ClientFactory factory, double timeout = 30, bool checkPid = false)
    {
        var c = new TcpConnector(this, new System.Net.Sockets.UnixDomainSocketEndPoint(path), factory, timeout, checkPid);
        c.Connect();
        return c;
    }

    /// <inheritdoc />
    public IListeningPort AdoptStreamPort(int fileDescriptor, System.Net.Sockets.AddressFamily family, Factory factory)
    {
        var fd = PosixSocket.DuplicateNonBlocking(fileDescriptor);
        EndPoint host;
        try
        {
            host = PosixSocket.CheckFamily(fd, family);
        }
        catch
        {
            PosixSocket.Close(fd);
            throw;
        }
        return ListenOnDescriptor(fd, host, factory);
    }

    /// <inheritdoc />
    internal override IListeningPort ListenOnDescriptor(int fileDescriptor, EndPoint host, Factory factory)
    {
        try
        {
            var port = new TcpPort(this, host, factory, 0);
            port.Adopt(fileDescriptor, host);
            return port;
        }
        catch
        {
            PosixSocket.Close(fileDescriptor);
            throw;
        }
    }

    /// <inheritdoc />
    public void AdoptStreamConnection(int fileDescriptor, System.Net.Sockets.AddressFamily family, Factory factory)
    {
        var fd = PosixSocket.DuplicateNonBlocking(fileDescriptor);
        PosixSocket.CheckFamily(fd, family);
        EndPoint peer;
        try
        {
            peer = PosixSocket.GetPeerName(fd);
        }
        catch (SystemCallException e)
        {
            PosixSocket.Close(fd);
            throw new ArgumentException($"Cannot adopt descriptor {fileDescriptor}: {e.Message}", nameof(fileDescriptor), e);
        }
        var protocol = factory.BuildProtocol(peer);
        if (protocol is null)
        {
            PosixSocket.Close(fd);
            return;
        }
        NewConnection(fd, peer, isUnix: family == System.Net.Sockets.AddressFamily.Unix, adopted: true).Start(protocol);
    }

    /// <inheritdoc />
    public IUdpTransport AdoptDatagramPort(int fileDescriptor, System.Net.Sockets.AddressFamily family, DatagramProtocol protocol, int maxPacketSize = IReactorUdp.DefaultMaxPacketSize)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        UdpAddresses.CheckAdopted(family, maxPacketSize);
        var fd = PosixSocket.DuplicateNonBlocking(fileDescriptor);
        var host = (IPEndPoint)PosixSocket.CheckFamily(fd, family);
        var p = new UdpPort(this, host, protocol, maxPacketSize, listenMultiple: false);
        p.Adopt(fd, host);
        return p;
    }

    /// <inheritdoc />
    public override IConnector ConnectTcp(string host, int port, ClientFactory factory, double timeout = 30, EndPoint? bindAddress = null)
    {
        var c = new TcpConnector(this, host, port, factory, timeout, bindAddress);
        c.Connect();
        return c;
    }

    // ---- UDP -------------------------------------------------------------------------------------

    /// <inheritdoc />
    protected override IMulticastTransport ListenDatagram(int port, DatagramProtocol protocol, string interfaceAddress, int maxPacketSize, bool listenMultiple)
    {
        var address = UdpAddresses.ListenAddress(port, interfaceAddress, maxPacketSize);
        var p = new UdpPort(this, address, protocol, maxPacketSize, listenMultiple);
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

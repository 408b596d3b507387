using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A listening stream socket (TCP, or Unix with <see cref="UnixListenOptions"/>) on the completion
/// reactor. One <c>AcceptAsync</c> is outstanding at a time, re-posted after each accept; accepts that
/// complete synchronously are handled in a bounded batch, so a flood of new connections cannot starve
/// the ones already open. It keeps a <see cref="DescriptorReserve"/> (docs/architecture.md, "When
/// descriptors run out"). The state around it is <see cref="StreamPort"/>'s.
/// </summary>
internal sealed class SocketsTcpPort : StreamPort, ISocketOwner, ILoopCallback
{
    private readonly SocketsReactor _reactor;
    private readonly DescriptorReserve _reserve;
    private Socket? _socket;
    private SocketOperation? _accept;
    private bool _acceptPending;

    internal SocketsTcpPort(SocketsReactor reactor, EndPoint address, Factory factory, int backlog, UnixListenOptions? unix = null)
        : this(reactor, address, factory, backlog, unix, new DescriptorReserve())
    {
    }

    private SocketsTcpPort(SocketsReactor reactor, EndPoint address, Factory factory, int backlog, UnixListenOptions? unix, DescriptorReserve reserve)
        : base(reactor, address, factory, backlog, unix, reserve)
    {
        _reactor = reactor;
        _reserve = reserve;
    }

    protected override EndPoint? OpenSocket()
    {
        var socket = new Socket(Address.AddressFamily, SocketType.Stream, IsUnix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        EndPoint? host;
        try
        {
            // As every Unix server does, so a restart does not wait out TIME_WAIT. Not on Windows,
            // where SO_REUSEADDR would let another process bind the same port while we listen.
            if (!OperatingSystem.IsWindows() && !IsUnix)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (OperatingSystem.IsLinux())
                {
                    // On Linux .NET's ReuseAddress also sets SO_REUSEPORT (15), which would let a second
                    // listener — this server started twice — bind the same port and silently take half
                    // its connections. Clear it, so a busy port fails here as on the other backends.
                    socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(0));
                }
            }
            socket.Bind(Address);
            socket.Listen(Backlog);
            host = socket.LocalEndPoint;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new CannotListenError($"Couldn't listen on {Address}: {e.Message}.", e);
        }
        Open(socket);
        return host;
    }

    /// <summary>Takes over an already listening socket (the reactor's own duplicate of an adopted descriptor).</summary>
    internal void Adopt(Socket socket)
    {
        var host = socket.LocalEndPoint;
        Open(socket);
        Begin(host);
    }

    private void Open(Socket socket)
    {
        _socket = socket;
        RuntimeEventThreads.CompleteInline(socket);
        _accept = new SocketOperation(_reactor, this);
        // Best effort: a process already short of descriptors listens without one.
        _reserve.TryHold();
        _reactor.Register(this);
    }

    protected override void StartAccepting()
    {
        // The first accept is posted from the loop, so a connection already waiting is never handed
        // to the factory inside the caller's ListenTcp.
        _acceptPending = true;
        _reactor.CallSoon(this);
    }

    protected override void ResumeAccepting() => AcceptLoop();

    void ILoopCallback.Run()
    {
        _acceptPending = false;
        if (!IsListening)
        {
            _accept!.Dispose();
            return;
        }
        AcceptLoop();
    }

    /// <summary>Posts accepts, handling synchronous completions in place, up to a batch per pass.</summary>
    private void AcceptLoop()
    {
        for (var i = 0; i < AcceptsPerPass; i++)
        {
            if (!IsListening || AcceptingPaused)
            {
                return;
            }
            var op = _accept!;
            op.AcceptSocket = null;
            _acceptPending = true;
            bool pending;
            try
            {
                pending = _socket!.AcceptAsync(op);
            }
            catch (ObjectDisposedException)
            {
                _acceptPending = false;
                return;
            }
            if (pending)
            {
                return;
            }
            _acceptPending = false;
            if (!HandleAccept(op))
            {
                return;
            }
        }
        // More connections are waiting: go on from the next pass, after other work has had a turn.
        _acceptPending = true;
        _reactor.CallSoon(this);
    }

    public void Completed(SocketOperation operation)
    {
        _acceptPending = false;
        if (!IsListening)
        {
            operation.AcceptSocket?.Dispose();
            operation.Dispose();
            return;
        }
        if (HandleAccept(operation))
        {
            AcceptLoop();
        }
    }

    /// <summary>Takes one accept result; false when accepting must pause.</summary>
    private bool HandleAccept(SocketOperation op)
    {
        var error = op.SocketError;
        if (error == SocketError.Success)
        {
            var socket = op.AcceptSocket!;
            op.AcceptSocket = null;
            Accepted(socket);
            // False when descriptors are running short: stop before accepts take the last of them.
            return CountAccepted();
        }
        if (error is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted)
        {
            // The client gave up before we accepted it: nothing to do, keep accepting.
            return true;
        }
        if (error == SocketError.OperationAborted && !IsListening)
        {
            return false;
        }
        // A completion is reported once per post, so re-posting at once after a persistent error
        // (EMFILE above all) would spin; step back and try again when descriptors may be free.
        if (error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
        {
            AcceptOutOfResources(new SocketException((int)error));
            return false;
        }
        AcceptFailed(new SocketException((int)error));
        return false;
    }

    private void Accepted(Socket socket)
    {
        EndPoint peer;
        try
        {
            // Reads and writes are tried synchronously first; they must never block the loop.
            socket.Blocking = false;
            peer = socket.RemoteEndPoint!;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset before we got to it.
            socket.Dispose();
            return;
        }
        if (BuildProtocol(peer) is not { } protocol)
        {
            socket.Dispose();
            return;
        }
        new SocketsTcpConnection(_reactor, socket, peer, isUnix: IsUnix).Start(protocol);
    }

    protected override void CloseSocket()
    {
        _reserve.Release();
        _reactor.Unregister(this);
        // Closing aborts the pending accept; its completion disposes the operation.
        _socket!.Dispose();
        if (!_acceptPending)
        {
            _accept!.Dispose();
        }
    }

    public void Shutdown(Failure reason) => Close();
}

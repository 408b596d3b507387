using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A listening TCP socket on the completion reactor. One <c>AcceptAsync</c> is outstanding at a time,
/// re-posted after each accept; accepts that complete synchronously are handled in a bounded batch, so
/// a flood of new connections cannot starve the ones already open.
/// </summary>
internal sealed class SocketsTcpPort : IListeningPort, ISocketOwner, ILoopCallback
{
    private const int AcceptsPerPass = 128;

    private readonly SocketsReactor _reactor;
    private readonly EndPoint _address;
    private readonly UnixListenOptions? _unix;
    private readonly Factory _factory;
    private readonly int _backlog;
    private Socket? _socket;
    private SocketOperation? _accept;
    private EndPoint? _host;
    private bool _listening;
    private bool _acceptPending;
    private readonly DescriptorReserve _reserve = new();
    private readonly AcceptThrottle _throttle;

    internal SocketsTcpPort(SocketsReactor reactor, EndPoint address, Factory factory, int backlog, UnixListenOptions? unix = null)
    {
        _unix = unix;
        _reactor = reactor;
        _address = address;
        _factory = factory;
        _backlog = backlog;
        _throttle = new AcceptThrottle(reactor, GetHost, AcceptLoop, _reserve);
    }

    internal void StartListening()
    {
        if (_unix is { } unix)
        {
            UnixSocketFile.PrepareToBind(unix.Path, unix.WantPid);
        }
        var socket = new Socket(_address.AddressFamily, SocketType.Stream, _unix is null ? ProtocolType.Tcp : ProtocolType.Unspecified);
        try
        {
            // As every Unix server does, so a restart does not wait out TIME_WAIT. Not on Windows,
            // where SO_REUSEADDR would let another process bind the same port while we listen.
            if (!OperatingSystem.IsWindows() && _unix is null)
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
            socket.Bind(_address);
            socket.Listen(_backlog);
            _host = socket.LocalEndPoint;
            if (_unix is { } u)
            {
                UnixSocketFile.ApplyMode(u.Path, u.Mode);
            }
        }
        catch (Exception e) when (e is SocketException or CannotListenError)
        {
            socket.Dispose();
            if (_unix is { } u)
            {
                UnixSocketFile.Remove(u.Path, u.WantPid);
            }
            throw e as CannotListenError ?? new CannotListenError($"Couldn't listen on {_address}: {e.Message}.", e);
        }
        Begin(socket);
    }

    /// <summary>Takes over an already listening socket (the reactor's own duplicate of an adopted descriptor).</summary>
    internal void Adopt(Socket socket)
    {
        _host = socket.LocalEndPoint;
        Begin(socket);
    }

    private void Begin(Socket socket)
    {
        _socket = socket;
        RuntimeEventThreads.CompleteInline(socket);
        _accept = new SocketOperation(_reactor, this);
        _listening = true;
        // Best effort: a process already short of descriptors listens without one.
        _reserve.TryHold();
        _reactor.Register(this);
        _factory.DoStart();
        // The first accept is posted from the loop, so a connection already waiting is never handed
        // to the factory inside the caller's ListenTcp.
        _acceptPending = true;
        _reactor.CallSoon(this);
    }

    void ILoopCallback.Run()
    {
        _acceptPending = false;
        if (!_listening)
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
            if (!_listening || _throttle.Paused)
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
        if (!_listening)
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
            return _throttle.Accepted();
        }
        if (error is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted)
        {
            // The client gave up before we accepted it: nothing to do, keep accepting.
            return true;
        }
        if (error == SocketError.OperationAborted && !_listening)
        {
            return false;
        }
        // A completion is reported once per post, so re-posting at once after a persistent error
        // (EMFILE above all) would spin; step back and try again when descriptors may be free.
        if (error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
        {
            _throttle.OutOfResources(new SocketException((int)error));
            return false;
        }
        _throttle.Failed(new SocketException((int)error));
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
        if (_factory.BuildProtocolForAccepted(peer) is not { } protocol)
        {
            socket.Dispose();
            return;
        }
        new SocketsTcpConnection(_reactor, socket, peer, isUnix: _unix is not null).Start(protocol);
    }

    public Deferred StopListening()
    {
        Close();
        return Deferred.Succeed();
    }

    private void Close()
    {
        if (!_listening)
        {
            return;
        }
        _listening = false;
        _throttle.Cancel();
        _reserve.Release();
        _reactor.Unregister(this);
        // Closing aborts the pending accept; its completion disposes the operation.
        _socket!.Dispose();
        if (!_acceptPending)
        {
            _accept!.Dispose();
        }
        if (_unix is { } u)
        {
            UnixSocketFile.Remove(u.Path, u.WantPid);
        }
        _factory.DoStop();
    }

    public void Shutdown(Failure reason) => Close();

    public EndPoint GetHost() => _host ?? _address;

    public override string ToString() => $"SocketsTcpPort({_host ?? _address})";
}

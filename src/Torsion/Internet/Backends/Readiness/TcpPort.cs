using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A listening stream socket (TCP, or Unix with <see cref="UnixListenOptions"/>) on a readiness reactor.
/// Each readable event accepts up to
/// <see cref="AcceptsPerEvent"/> connections, so a flood of new connections cannot starve the ones
/// already open.
/// </summary>
internal sealed unsafe class TcpPort : IReadDescriptor, IListeningPort
{
    private const int AcceptsPerEvent = 128;

    private readonly PosixReactor _reactor;
    private readonly EndPoint _address;
    private readonly UnixListenOptions? _unix;
    private readonly Factory _factory;
    private readonly int _backlog;
    private int _fd = -1;
    private EndPoint? _host;
    private bool _listening;
    private readonly AcceptThrottle _throttle;

    internal TcpPort(PosixReactor reactor, EndPoint address, Factory factory, int backlog, UnixListenOptions? unix = null)
    {
        _unix = unix;
        _reactor = reactor;
        _address = address;
        _factory = factory;
        _backlog = backlog;
        _throttle = new AcceptThrottle(reactor, GetHost, () =>
        {
            if (_listening)
            {
                _reactor.AddReader(this);
            }
        });
    }

    public int FileDescriptor => _fd;

    internal void StartListening()
    {
        if (_unix is { } unix)
        {
            UnixSocketFile.PrepareToBind(unix.Path, unix.WantPid);
        }
        var fd = PosixSocket.Create(SockAddr.FamilyOf(_address), Sock.SOCK_STREAM);
        try
        {
            if (_unix is null)
            {
                // As every Unix server does, so a restart does not wait out TIME_WAIT.
                PosixSocket.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1);
            }
            var errno = PosixSocket.Bind(fd, _address);
            if (errno != 0)
            {
                throw new CannotListenError($"Couldn't listen on {_address}: {LibC.StrError(errno)}.", new SystemCallException("bind", errno));
            }
            if (LibC.Listen(fd, _backlog) < 0)
            {
                errno = LibC.LastErrno;
                throw new CannotListenError($"Couldn't listen on {_address}: {LibC.StrError(errno)}.", new SystemCallException("listen", errno));
            }
            _host = PosixSocket.GetSockName(fd);
            if (_unix is { } u)
            {
                UnixSocketFile.ApplyMode(u.Path, u.Mode);
            }
        }
        catch
        {
            LibC.Close(fd);
            if (_unix is { } u)
            {
                UnixSocketFile.Remove(u.Path, u.WantPid);
            }
            throw;
        }
        _fd = fd;
        _listening = true;
        _factory.DoStart();
        _reactor.AddReader(this);
    }

    /// <summary>Takes over an already listening descriptor (the reactor's own duplicate of it).</summary>
    internal void Adopt(int fd, EndPoint host)
    {
        _fd = fd;
        _host = host;
        _listening = true;
        _factory.DoStart();
        _reactor.AddReader(this);
    }

    public Failure? DoRead()
    {
        var addr = stackalloc byte[SockAddr.MaxSize];
        for (var i = 0; i < AcceptsPerEvent && _listening; i++)
        {
            var len = SockAddr.MaxSize;
            var fd = LibC.Accept4(_fd, addr, &len, Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC);
            if (fd < 0)
            {
                var errno = LibC.LastErrno;
                switch (errno)
                {
                    case Errno.EAGAIN:
                        return null;
                    case Errno.EINTR:
                    case Errno.ECONNABORTED:
                        continue;
                    case Errno.EMFILE:
                    case Errno.ENFILE:
                    case Errno.ENOBUFS:
                    case Errno.ENOMEM:
                        // Level-triggered readiness would report the pending connection again at
                        // once and spin; step back and try again shortly, when descriptors may be free.
                        _reactor.RemoveReader(this);
                        _throttle.OutOfResources(new SystemCallException("accept4", errno));
                        return null;
                    default:
                        ReactorBase.LogError($"Error accepting on {_host}", new SystemCallException("accept4", errno));
                        return null;
                }
            }
            _throttle.Accepted();
            Accepted(fd, SockAddr.Decode(new ReadOnlySpan<byte>(addr, SockAddr.MaxSize), len));
        }
        return null;
    }

    private void Accepted(int fd, EndPoint peer)
    {
        if (_factory.BuildProtocolForAccepted(peer) is not { } protocol)
        {
            LibC.Close(fd);
            return;
        }
        new TcpConnection(_reactor, fd, peer, isUnix: _unix is not null).Start(protocol);
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
        _reactor.RemoveReader(this);
        LibC.Close(_fd);
        if (_unix is { } u)
        {
            UnixSocketFile.Remove(u.Path, u.WantPid);
        }
        _factory.DoStop();
    }

    public void ConnectionLost(Failure reason) => Close();

    public EndPoint GetHost() => _host ?? _address;

    public override string ToString() => $"TcpPort({_host ?? _address})";
}

using System.Net;
using System.Net.Sockets;
using Torsion.Internet.Backends;
using Torsion.Internet.Posix;
using Torsion.Internet.Sockets;

namespace Torsion.Internet.Tcp;

/// <summary>
/// A listening stream socket that no loop serves yet: a <see cref="ReactorGroup"/> binds one per loop
/// on the caller's thread (so an address in use fails the caller's <c>ListenTcp</c> at once), then each
/// loop turns its own into a port on its own thread. Owns the descriptor until <see cref="Start"/>
/// hands it on or <see cref="Close"/> closes it.
/// </summary>
internal sealed class BoundListener
{
    private int _fd;

    internal BoundListener(int fd, EndPoint host)
    {
        _fd = fd;
        Host = host;
    }

    /// <summary>True if <see cref="Start"/> knows how to hand a socket to <paramref name="loop"/>'s backend.</summary>
    internal static bool CanStartOn(ReactorBase loop) => loop is PosixReactor or SocketsReactor;

    /// <summary>The address the socket is bound to.</summary>
    internal EndPoint Host { get; }

    /// <summary>
    /// Serves <paramref name="factory"/> on this socket from <paramref name="loop"/>; call it on that
    /// loop's thread (or before the loop runs). The port owns the descriptor from here on.
    /// </summary>
    internal IListeningPort Start(ReactorBase loop, Factory factory)
    {
        var fd = Take();
        if (fd < 0)
        {
            throw new InvalidOperationException($"{this} was already started or closed.");
        }
        switch (loop)
        {
            case PosixReactor posix:
                try
                {
                    var port = new TcpPort(posix, Host, factory, 0);
                    port.Adopt(fd, Host);
                    return port;
                }
                catch
                {
                    PosixSocket.Close(fd);
                    throw;
                }
            case SocketsReactor sockets:
                // Never read this Socket's Handle: on Unix that switches the shared open file to
                // blocking mode, under the accepts of every loop.
                var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { Blocking = false };
                try
                {
                    var port = new SocketsTcpPort(sockets, Host, factory, 0);
                    port.Adopt(socket);
                    return port;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            default:
                PosixSocket.Close(fd);
                throw new NotSupportedException($"The {loop.Name} reactor cannot serve a shared listening socket.");
        }
    }

    /// <summary>Closes the socket if no loop took it; harmless after <see cref="Start"/>.</summary>
    internal void Close()
    {
        var fd = Take();
        if (fd >= 0)
        {
            PosixSocket.Close(fd);
        }
    }

    private int Take() => Interlocked.Exchange(ref _fd, -1);

    /// <inheritdoc />
    public override string ToString() => $"BoundListener({Host})";
}

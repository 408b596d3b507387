using System.Net;

namespace Torsion.Internet;

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
        return loop.ListenOnDescriptor(fd, Host, factory);
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

using System.Net;
using System.Net.Sockets;

namespace Torsion.Internet;

/// <summary>
/// The listening sockets of a <see cref="ReactorGroup"/> port, one per loop: either a SO_REUSEPORT
/// group (the kernel spreads new connections over the sockets by a hash of the 4-tuple, with no
/// acceptor thread and no hand-off), or duplicates of one adopted socket (every loop accepts from the
/// one queue; whichever wakes first wins). Created on the caller's thread; each loop starts its own.
/// </summary>
internal static class SharedListeners
{
    /// <summary>
    /// True where SO_REUSEPORT balances connections over the sockets bound to one address: Linux
    /// (since 3.9). BSD and macOS accept the option but hand every connection to one socket, and
    /// Windows has no such option.
    /// </summary>
    internal static bool ReusePortBalances => OperatingSystem.IsLinux();

    /// <summary>
    /// Binds <paramref name="count"/> listening sockets to <paramref name="address"/> with SO_REUSEPORT.
    /// Port 0 picks one free port and binds every socket to it. Returns null when the kernel refuses
    /// SO_REUSEPORT (nothing is left open then).
    /// </summary>
    /// <exception cref="CannotListenError">The address is in use (by anyone, including another group), or invalid.</exception>
    internal static BoundListener[]? ReusePort(IPEndPoint address, int backlog, int count)
    {
        var family = TcpAddresses.FamilyOf(address);
        // SO_REUSEPORT would let a second server (another group, or this program started twice) join
        // this one's sockets and silently take half its connections. So first an ordinary bind, without
        // SO_REUSEPORT, which fails as a single reactor's ListenTcp would if anyone holds the address;
        // for port 0 it also picks the port. The probe stays bound, not listening, until every loop's
        // socket listens: it holds the port against other binds and against the kernel handing it out
        // as an ephemeral port, and does not conflict with ours because both sides set SO_REUSEADDR
        // and it never listens.
        var probe = PosixSocket.Create(family, Sock.SOCK_STREAM);
        var bound = new List<BoundListener>(count);
        try
        {
            PosixSocket.SetInt(probe, Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1);
            Check(PosixSocket.Bind(probe, address), "bind", address);
            var target = (IPEndPoint)PosixSocket.GetSockName(probe);
            for (var i = 0; i < count; i++)
            {
                var fd = PosixSocket.Create(family, Sock.SOCK_STREAM);
                try
                {
                    PosixSocket.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1);
                    var errno = SetReusePort(fd);
                    if (errno != 0)
                    {
                        if (errno is Errno.ENOPROTOOPT or Errno.EINVAL)
                        {
                            PosixSocket.Close(fd);
                            foreach (var b in bound)
                            {
                                b.Close();
                            }
                            return null;
                        }
                        throw new SystemCallException("setsockopt(SO_REUSEPORT)", errno);
                    }
                    Check(PosixSocket.Bind(fd, target), "bind", target);
                    Check(LibC.Listen(fd, backlog) < 0 ? LibC.LastErrno : 0, "listen", target);
                    bound.Add(new BoundListener(fd, PosixSocket.GetSockName(fd)));
                }
                catch
                {
                    PosixSocket.Close(fd);
                    throw;
                }
            }
            return bound.ToArray();
        }
        catch
        {
            foreach (var b in bound)
            {
                b.Close();
            }
            throw;
        }
        finally
        {
            PosixSocket.Close(probe);
        }
    }

    /// <summary>
    /// <paramref name="count"/> non-blocking duplicates of an already listening socket, one per loop;
    /// the caller keeps <paramref name="fileDescriptor"/>.
    /// </summary>
    /// <exception cref="ArgumentException">It is not a socket of <paramref name="family"/>.</exception>
    internal static BoundListener[] Duplicates(int fileDescriptor, AddressFamily family, int count)
    {
        var copies = new List<BoundListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var fd = PosixSocket.DuplicateNonBlocking(fileDescriptor);
                var host = PosixSocket.CheckFamily(fd, family);
                copies.Add(new BoundListener(fd, host));
            }
            return copies.ToArray();
        }
        catch
        {
            foreach (var c in copies)
            {
                c.Close();
            }
            throw;
        }
    }

    private static unsafe int SetReusePort(int fd)
    {
        var on = 1;
        return LibC.SetSockOpt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEPORT, &on, sizeof(int)) < 0 ? LibC.LastErrno : 0;
    }

    private static void Check(int errno, string call, EndPoint address)
    {
        if (errno != 0)
        {
            throw new CannotListenError($"Couldn't listen on {address}: {LibC.StrError(errno)}.", new SystemCallException(call, errno));
        }
    }
}

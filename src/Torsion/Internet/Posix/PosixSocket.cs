using System.Net;

namespace Torsion.Internet;

/// <summary>Small safe wrappers over socket system calls, throwing <see cref="SystemCallException"/>.</summary>
internal static unsafe class PosixSocket
{
    /// <summary>A new non-blocking, close-on-exec socket.</summary>
    internal static int Create(int family, int type)
    {
        var fd = LibC.Socket(family, type | Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new SystemCallException("socket", LibC.LastErrno);
        }
        return fd;
    }

    internal static void SetInt(int fd, int level, int name, int value)
    {
        if (LibC.SetSockOpt(fd, level, name, &value, sizeof(int)) < 0)
        {
            throw new SystemCallException("setsockopt", LibC.LastErrno);
        }
    }

    /// <summary>Sets an option whose value is a struct (e.g. <c>ip_mreq</c>), given as its bytes; returns errno (0 on success).</summary>
    internal static int SetBytes(int fd, int level, int name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            return LibC.SetSockOpt(fd, level, name, p, value.Length) < 0 ? LibC.LastErrno : 0;
        }
    }

    internal static int GetInt(int fd, int level, int name)
    {
        int value = 0, len = sizeof(int);
        if (LibC.GetSockOpt(fd, level, name, &value, &len) < 0)
        {
            throw new SystemCallException("getsockopt", LibC.LastErrno);
        }
        return value;
    }

    /// <summary>Binds <paramref name="fd"/> to <paramref name="address"/>; returns errno (0 on success).</summary>
    internal static int Bind(int fd, EndPoint address)
    {
        Span<byte> buf = stackalloc byte[SockAddr.MaxSize];
        var len = SockAddr.Encode(address, buf);
        fixed (byte* p = buf)
        {
            return LibC.Bind(fd, p, len) < 0 ? LibC.LastErrno : 0;
        }
    }

    /// <summary>Starts a non-blocking connect; returns errno (0 on immediate success, EINPROGRESS usually).</summary>
    internal static int Connect(int fd, EndPoint address)
    {
        Span<byte> buf = stackalloc byte[SockAddr.MaxSize];
        var len = SockAddr.Encode(address, buf);
        fixed (byte* p = buf)
        {
            return LibC.Connect(fd, p, len) < 0 ? LibC.LastErrno : 0;
        }
    }

    internal static EndPoint GetSockName(int fd)
    {
        byte* buf = stackalloc byte[SockAddr.MaxSize];
        var len = SockAddr.MaxSize;
        if (LibC.GetSockName(fd, buf, &len) < 0)
        {
            throw new SystemCallException("getsockname", LibC.LastErrno);
        }
        return SockAddr.Decode(new ReadOnlySpan<byte>(buf, SockAddr.MaxSize), len);
    }

    internal static EndPoint GetPeerName(int fd)
    {
        byte* buf = stackalloc byte[SockAddr.MaxSize];
        var len = SockAddr.MaxSize;
        if (LibC.GetPeerName(fd, buf, &len) < 0)
        {
            throw new SystemCallException("getpeername", LibC.LastErrno);
        }
        return SockAddr.Decode(new ReadOnlySpan<byte>(buf, SockAddr.MaxSize), len);
    }

    internal static void Close(int fd) => LibC.Close(fd);

    /// <summary>A close-on-exec, non-blocking duplicate of <paramref name="fd"/>, for adopting a descriptor the caller keeps.</summary>
    internal static int DuplicateNonBlocking(int fd)
    {
        const int F_DUPFD_CLOEXEC = 1030;
        var copy = LibC.Fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (copy < 0)
        {
            throw new ArgumentException($"Cannot adopt descriptor {fd}: {LibC.StrError(LibC.LastErrno)}.", nameof(fd));
        }
        var flags = LibC.Fcntl(copy, Sock.F_GETFL, 0);
        if (flags < 0 || LibC.Fcntl(copy, Sock.F_SETFL, flags | Sock.O_NONBLOCK) < 0)
        {
            var errno = LibC.LastErrno;
            LibC.Close(copy);
            throw new SystemCallException("fcntl", errno);
        }
        return copy;
    }

    /// <summary>Checks that <paramref name="fd"/> is a socket of <paramref name="family"/> (or throws ArgumentException, closing it).</summary>
    internal static EndPoint CheckFamily(int fd, System.Net.Sockets.AddressFamily family)
    {
        EndPoint local;
        try
        {
            local = GetSockName(fd);
        }
        catch (SystemCallException e)
        {
            LibC.Close(fd);
            throw new ArgumentException($"Cannot adopt descriptor: {e.Message}", nameof(fd), e);
        }
        if (local.AddressFamily != family)
        {
            LibC.Close(fd);
            throw new ArgumentException($"The descriptor is a {local.AddressFamily} socket, not {family}.", nameof(fd));
        }
        return local;
    }
}

using System.Net.Sockets;

namespace Torsion.Internet;

/// <summary>
/// What an inherited descriptor is (sd_is_socket's questions): a socket at all, of which family and
/// type, and whether it is listening; so adopting the wrong one fails with a sentence, not an errno.
/// </summary>
/// <param name="IsSocket">False for a file, pipe or closed number.</param>
/// <param name="Family">The address family (SO_DOMAIN).</param>
/// <param name="Type">Stream, datagram or seqpacket (SO_TYPE).</param>
/// <param name="Listening">True once listen(2) was called on it (SO_ACCEPTCONN).</param>
internal readonly record struct InheritedSocket(bool IsSocket, AddressFamily Family, SocketType Type, bool Listening)
{
    private const int SolSocket = 1;
    private const int SoType = 3;
    private const int SoAcceptConn = 30;
    private const int SoDomain = 39;
    private const int FSetFd = 2;
    private const int FdCloexec = 1;

    /// <summary>Asks the kernel about <paramref name="fd"/>.</summary>
    public static unsafe InheritedSocket Inspect(int fd)
    {
        int type = 0, domain = 0, listening = 0;
        var len = sizeof(int);
        if (LibC.GetSockOpt(fd, SolSocket, SoType, &type, &len) != 0)
        {
            return new InheritedSocket(false, AddressFamily.Unknown, SocketType.Unknown, false);
        }
        len = sizeof(int);
        _ = LibC.GetSockOpt(fd, SolSocket, SoDomain, &domain, &len);
        len = sizeof(int);
        _ = LibC.GetSockOpt(fd, SolSocket, SoAcceptConn, &listening, &len);
        var family = domain switch
        {
            2 => AddressFamily.InterNetwork,
            10 => AddressFamily.InterNetworkV6,
            1 => AddressFamily.Unix,
            _ => AddressFamily.Unknown,
        };
        var kind = type switch
        {
            1 => SocketType.Stream,
            2 => SocketType.Dgram,
            3 => SocketType.Raw,
            5 => SocketType.Seqpacket,
            _ => SocketType.Unknown,
        };
        return new InheritedSocket(true, family, kind, listening != 0);
    }

    /// <summary>
    /// Marks <paramref name="fd"/> close-on-exec, as sd_listen_fds does: a passed socket the
    /// application never adopts must not leak into the processes it starts.
    /// </summary>
    public static void CloseOnExec(int fd) => _ = LibC.Fcntl(fd, FSetFd, FdCloexec);

    /// <summary>The family as a "systemd:" description spells it.</summary>
    public string DomainName => Family switch
    {
        AddressFamily.InterNetwork => "INET",
        AddressFamily.InterNetworkV6 => "INET6",
        AddressFamily.Unix => "UNIX",
        _ => "an unsupported family",
    };

    /// <summary>The type, in words.</summary>
    public string TypeName => Type switch
    {
        SocketType.Stream => "stream",
        SocketType.Dgram => "datagram",
        SocketType.Seqpacket => "seqpacket",
        _ => "unknown-type",
    };
}

using System.Net;
using System.Net.Sockets;

namespace Torsion.Internet;

/// <summary>
/// Endpoints from Twisted-style strings (Twisted's <c>serverFromString</c>/<c>clientFromString</c>).
/// Servers: <c>tcp:PORT[:interface=ADDR][:backlog=N]</c>, <c>tcp6:PORT[...]</c>,
/// <c>unix:PATH[:mode=666][:backlog=N][:lockfile=0|1]</c>, <c>systemd:[domain=INET|INET6|UNIX:]index=N</c>
/// (or <c>name=NAME</c> from LISTEN_FDNAMES; without domain, the socket's own), <c>ssl:PORT[:privateKey=server.pem][:certKey=PEM][:extraCertChain=PEM]
/// [:interface=ADDR][:backlog=N]</c>, <c>haproxy:DESCRIPTION</c> (any server description, its connections
/// starting with a PROXY protocol header: <see cref="HAProxyServerEndpoint"/>), <c>stdio:</c> (the process's
/// standard input and output: <see cref="StandardIOEndpoint"/>). Clients: <c>tcp:host=H:port=P[:timeout=30][:bindAddress=A]</c>
/// (host and port may also be positional), <c>unix:path=P[:timeout=30][:checkPID=0|1]</c>,
/// <c>tls:HOST:PORT[:trustRoots=ca.pem][:certificate=PEM:privateKey=PEM][:timeout=30][:bindAddress=A]</c>.
/// More types can be registered with <see cref="RegisterServer"/> and <see cref="RegisterClient"/>.
/// </summary>
public static class Endpoints
{
    private static readonly Dictionary<string, Func<IReactor, EndpointDescription, IStreamServerEndpoint>> Servers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tcp"] = (r, d) => Tcp(r, d, ""),
        ["tcp6"] = (r, d) => Tcp(r, d, "::"),
        ["unix"] = UnixServer,
        ["systemd"] = Systemd,
        ["ssl"] = Ssl,
        ["haproxy"] = HAProxy,
        ["stdio"] = Stdio,
    };

    private static readonly Dictionary<string, Func<IReactor, EndpointDescription, IStreamClientEndpoint>> Clients = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tcp"] = TcpClient,
        ["unix"] = UnixClient,
        ["tls"] = TlsClient,
    };

    private static readonly object Lock = new();

    /// <summary>Parses a server description such as <c>tcp:8080:interface=127.0.0.1</c>.</summary>
    /// <exception cref="EndpointSyntaxException">The description is malformed; the message names the bad part.</exception>
    public static IStreamServerEndpoint ServerFromString(IReactor reactor, string description)
    {
        var d = EndpointDescription.Parse(description);
        Func<IReactor, EndpointDescription, IStreamServerEndpoint>? make;
        lock (Lock)
        {
            Servers.TryGetValue(d.Type, out make);
        }
        if (make is null)
        {
            throw new EndpointSyntaxException(description, $"unknown server endpoint type '{d.Type}' (known: {string.Join(", ", ServerTypes)}).");
        }
        return make(reactor, d);
    }

    /// <summary>Parses a client description such as <c>tcp:host=example.com:port=80:timeout=5</c>.</summary>
    /// <exception cref="EndpointSyntaxException">The description is malformed; the message names the bad part.</exception>
    public static IStreamClientEndpoint ClientFromString(IReactor reactor, string description)
    {
        var d = EndpointDescription.Parse(description);
        Func<IReactor, EndpointDescription, IStreamClientEndpoint>? make;
        lock (Lock)
        {
            Clients.TryGetValue(d.Type, out make);
        }
        if (make is null)
        {
            throw new EndpointSyntaxException(description, $"unknown client endpoint type '{d.Type}' (known: {string.Join(", ", ClientTypes)}).");
        }
        return make(reactor, d);
    }

    /// <summary>The server endpoint types known.</summary>
    public static IReadOnlyList<string> ServerTypes { get { lock (Lock) { return Servers.Keys.Order().ToArray(); } } }

    /// <summary>The client endpoint types known.</summary>
    public static IReadOnlyList<string> ClientTypes { get { lock (Lock) { return Clients.Keys.Order().ToArray(); } } }

    /// <summary>Adds (or replaces) a server endpoint type: Twisted's endpoint plugins.</summary>
    public static void RegisterServer(string type, Func<IReactor, EndpointDescription, IStreamServerEndpoint> parser)
    {
        lock (Lock)
        {
            Servers[type] = parser;
        }
    }

    /// <summary>Adds (or replaces) a client endpoint type.</summary>
    public static void RegisterClient(string type, Func<IReactor, EndpointDescription, IStreamClientEndpoint> parser)
    {
        lock (Lock)
        {
            Clients[type] = parser;
        }
    }

    private static IStreamServerEndpoint Tcp(IReactor reactor, EndpointDescription d, string defaultInterface)
    {
        d.CheckNames("port", "interface", "backlog");
        var port = d.GetInt("port", 0, -1, 0, 65535);
        if (port < 0)
        {
            throw new EndpointSyntaxException(d.Text, $"'{d.Type}' needs a port, as in '{d.Type}:8080'.");
        }
        var iface = d.Get("interface") ?? defaultInterface;
        if (iface.Length > 0 && !IPAddress.TryParse(iface, out _))
        {
            throw new EndpointSyntaxException(d.Text, $"interface '{iface}' is not an IP address.");
        }
        return new TcpServerEndpoint(reactor, port, d.GetInt("backlog", -1, IReactorTcp.DefaultBacklog, 1), iface);
    }

    private static IStreamServerEndpoint UnixServer(IReactor reactor, EndpointDescription d)
    {
        d.CheckNames("address", "mode", "backlog", "lockfile");
        var path = d.Get("address", 0);
        if (string.IsNullOrEmpty(path))
        {
            throw new EndpointSyntaxException(d.Text, "'unix' needs a path, as in 'unix:/var/run/app.sock'.");
        }
        return new UnixServerEndpoint(reactor, path, d.GetInt("backlog", -1, IReactorTcp.DefaultBacklog, 1),
            d.GetInt("mode", -1, 0x1B6, 0, 0xFFF, numberBase: 8), d.GetBool("lockfile", false));
    }

    private static IStreamServerEndpoint Systemd(IReactor reactor, EndpointDescription d)
    {
        d.CheckNames("domain", "index", "name");
        // Twisted requires domain=; here it may be left out and is then the socket's own.
        AddressFamily? family = d.Get("domain")?.ToUpperInvariant() switch
        {
            null => null,
            "INET" => AddressFamily.InterNetwork,
            "INET6" => AddressFamily.InterNetworkV6,
            "UNIX" => AddressFamily.Unix,
            var other => throw new EndpointSyntaxException(d.Text, $"domain '{other}' is not INET, INET6 or UNIX."),
        };
        var fds = SystemdSockets.FromEnvironment();
        if (fds.Ignored is { } ignored)
        {
            throw new EndpointSyntaxException(d.Text, $"systemd passed no socket to this process: {ignored}.");
        }
        int fd;
        string which;
        if (d.Get("name") is { } name)
        {
            fd = fds.ByName(name) ?? throw new EndpointSyntaxException(d.Text, fds.Count == 0
                ? $"systemd passed no socket named '{name}': no sockets were passed (LISTEN_FDS is not set for this process)."
                : $"systemd passed no socket named '{name}' (LISTEN_FDNAMES: {(fds.Names.Count == 0 ? "none" : string.Join(",", fds.Names))}).");
            which = $"'{name}' (descriptor {fd})";
        }
        else
        {
            var index = d.GetInt("index", -1, -1, 0);
            if (index < 0)
            {
                throw new EndpointSyntaxException(d.Text, "'systemd' needs index=N or name=NAME.");
            }
            fd = fds.ByIndex(index) ?? throw new EndpointSyntaxException(d.Text, $"systemd passed {fds.Count} socket(s); index {index} is not one of them.");
            which = $"{index} (descriptor {fd})";
        }
        var socket = InheritedSocket.Inspect(fd);
        if (!socket.IsSocket)
        {
            throw new EndpointSyntaxException(d.Text, $"systemd socket {which} is not a socket.");
        }
        if (socket.Type != SocketType.Stream)
        {
            throw new EndpointSyntaxException(d.Text, $"systemd socket {which} is a {socket.TypeName} socket; a 'systemd:' server needs a listening stream socket (ListenStream= in the .socket unit).");
        }
        if (!socket.Listening)
        {
            throw new EndpointSyntaxException(d.Text, $"systemd socket {which} is a stream socket that is not listening (a connection, as Accept=yes passes?); a 'systemd:' server needs a listening one.");
        }
        if (family is { } wanted && wanted != socket.Family)
        {
            throw new EndpointSyntaxException(d.Text, $"systemd socket {which} is {socket.DomainName}, not {d.Get("domain")!.ToUpperInvariant()}.");
        }
        if (socket.Family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 or AddressFamily.Unix))
        {
            throw new EndpointSyntaxException(d.Text, $"systemd socket {which} is of {socket.DomainName}; INET, INET6 and UNIX are served.");
        }
        if (reactor is not IReactorSocket adopting)
        {
            throw new EndpointSyntaxException(d.Text, $"the {reactor.Name} reactor cannot adopt inherited sockets.");
        }
        return new AdoptedStreamServerEndpoint(adopting, fd, socket.Family);
    }

    // Everything after "haproxy:" is the wrapped server's own description, escapes and all.
    private static IStreamServerEndpoint Stdio(IReactor reactor, EndpointDescription d)
    {
        d.CheckNames();
        if (d.Positional.Any(p => p.Length > 0))
        {
            throw new EndpointSyntaxException(d.Text, "'stdio' takes no arguments.");
        }
        return new StandardIOEndpoint(reactor);
    }

    private static IStreamServerEndpoint HAProxy(IReactor reactor, EndpointDescription d)
    {
        var colon = d.Text.IndexOf(':', StringComparison.Ordinal);
        var inner = colon < 0 ? "" : d.Text[(colon + 1)..];
        if (inner.Trim().Length == 0)
        {
            throw new EndpointSyntaxException(d.Text, "'haproxy' needs the server it wraps, as in 'haproxy:tcp:8080'.");
        }
        return new HAProxyServerEndpoint(ServerFromString(reactor, inner), reactor);
    }

    private static IStreamServerEndpoint Ssl(IReactor reactor, EndpointDescription d)
    {
        d.CheckNames("port", "interface", "backlog", "privateKey", "certKey", "extraCertChain");
        var port = d.GetInt("port", 0, -1, 0, 65535);
        if (port < 0)
        {
            throw new EndpointSyntaxException(d.Text, "'ssl' needs a port, as in 'ssl:443:privateKey=key.pem:certKey=cert.pem'.");
        }
        // As in Twisted: one PEM holding both key and certificate is the default, "server.pem".
        var key = d.Get("privateKey") ?? "server.pem";
        var cert = d.Get("certKey") ?? key;
        TlsServerOptions options;
        try
        {
            options = TlsServerOptions.FromPemFiles(cert, key, d.Get("extraCertChain"));
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new EndpointSyntaxException(d.Text, $"cannot load the certificate '{cert}' and key '{key}': {e.Message}");
        }
        var iface = d.Get("interface") ?? "";
        if (iface.Length > 0 && !IPAddress.TryParse(iface, out _))
        {
            throw new EndpointSyntaxException(d.Text, $"interface '{iface}' is not an IP address.");
        }
        return new SslServerEndpoint(reactor, port, options, d.GetInt("backlog", -1, IReactorTcp.DefaultBacklog, 1), iface);
    }

    private static IStreamClientEndpoint TlsClient(IReactor reactor, EndpointDescription d)
    {
        d.CheckNames("host", "port", "timeout", "bindAddress", "trustRoots", "certificate", "privateKey");
        var host = d.Require("host", 0);
        var port = d.GetInt("port", 1, -1, 1, 65535);
        if (port < 0)
        {
            throw new EndpointSyntaxException(d.Text, "'tls' needs a port, as in 'tls:example.com:443'.");
        }
        var options = new TlsClientOptions { TargetHost = host, TrustRootsPath = d.Get("trustRoots") };
        if (d.Get("certificate") is { } certificate)
        {
            try
            {
                options.ClientCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificate, d.Get("privateKey"));
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new EndpointSyntaxException(d.Text, $"cannot load the client certificate '{certificate}': {e.Message}");
            }
        }
        EndPoint? bind = null;
        if (d.Get("bindAddress") is { } b)
        {
            bind = IPAddress.TryParse(b, out var a) ? new IPEndPoint(a, 0) : throw new EndpointSyntaxException(d.Text, $"bindAddress '{b}' is not an IP address.");
        }
        return new TlsClientEndpoint(reactor, host, port, options, d.GetSeconds("timeout", 30), bind);
    }

    private static IStreamClientEndpoint TcpClient(IReactor reactor, EndpointDescription d)
    {
        d.CheckNames("host", "port", "timeout", "bindAddress");
        var host = d.Require("host", 0);
        var port = d.GetInt("port", 1, -1, 1, 65535);
        if (port < 0)
        {
            throw new EndpointSyntaxException(d.Text, "'tcp' needs port=N.");
        }
        EndPoint? bind = null;
        if (d.Get("bindAddress") is { } b)
        {
            bind = IPAddress.TryParse(b, out var a) ? new IPEndPoint(a, 0) : throw new EndpointSyntaxException(d.Text, $"bindAddress '{b}' is not an IP address.");
        }
        return new TcpClientEndpoint(reactor, host, port, d.GetSeconds("timeout", 30), bind);
    }

    private static IStreamClientEndpoint UnixClient(IReactor reactor, EndpointDescription d)
    {
        d.CheckNames("path", "timeout", "checkPID");
        return new UnixClientEndpoint(reactor, d.Require("path", 0), d.GetSeconds("timeout", 30), d.GetBool("checkPID", false));
    }
}

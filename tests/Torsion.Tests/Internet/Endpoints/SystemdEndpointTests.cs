using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet.Endpoints;

/// <summary>
/// Socket activation end to end: a parent plays systemd (binds sockets, puts them on descriptors 3,
/// 4, ..., sets LISTEN_FDS, LISTEN_PID and perhaps LISTEN_FDNAMES) and execs a Torsion program that
/// serves echo on "systemd:" endpoint descriptions: by index or name, INET, INET6 and UNIX; sockets
/// meant for another process (LISTEN_PID) are refused with an error saying so.
/// </summary>
public sealed class SystemdEndpointTests : IDisposable
{
    // SOCKETS: comma-separated "inet", "inet6", "udp" (a datagram socket) or "unix:PATH"; FDNAMES: LISTEN_FDNAMES if set;
    // LISTEN_PID_OF: "self" (right, exec keeps the pid) or "parent" (a pid that is not the program's).
    private const string PlaySystemd = """
        import fcntl, os, socket, sys
        socks = []
        for spec in os.environ["SOCKETS"].split(","):
            if spec == "inet":
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.bind(("127.0.0.1", 0))
            elif spec == "udp":
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("127.0.0.1", 0))
            elif spec == "inet6":
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.bind(("::1", 0))
            else:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind(spec[5:])
            if spec != "udp":
                s.listen(16)
            socks.append(s)
            where = s.getsockname()
            print("bound", spec, where if isinstance(where, str) else where[1], flush=True)
        # Out of the way first, so putting one on 3 + i never closes another still to be moved.
        high = [fcntl.fcntl(s.fileno(), fcntl.F_DUPFD, 100) for s in socks]
        for s in socks:
            os.close(s.detach())
        for i, fd in enumerate(high):
            os.dup2(fd, 3 + i)
            os.set_inheritable(3 + i, True)
            os.close(fd)
        os.environ["LISTEN_FDS"] = str(len(high))
        os.environ["LISTEN_PID"] = str(os.getpid() if os.environ["LISTEN_PID_OF"] == "self" else os.getppid())
        if "FDNAMES" in os.environ:
            os.environ["LISTEN_FDNAMES"] = os.environ["FDNAMES"]
        os.execvp("dotnet", ["dotnet"] + sys.argv[1:])
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-systemd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ServesOnTheInheritedSocket(string name)
    {
        ReactorNames.Create(name);
        using var child = Activate(name, "inet", []);
        var port = int.Parse(child.WaitForLine(l => l.StartsWith("bound ")).Split(' ')[2]);
        var listening = child.WaitForLine(l => l.StartsWith("listening "));
        Assert.EndsWith($":{port}", listening);
        Assert.Equal("activated", Echo(new IPEndPoint(IPAddress.Loopback, port), "activated"));
        child.Signal("TERM");
        Assert.Equal(0, child.WaitForExit());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void FindsSocketsByTheirLISTEN_FDNAMES(string name)
    {
        ReactorNames.Create(name);
        // Named in the other order than asked for, so a name that fell back to an index would show.
        using var child = Activate(name, "inet,inet", ["systemd:domain=INET:name=web", "systemd:domain=INET:name=admin"], fdNames: "admin:web");
        var admin = int.Parse(child.WaitForLine(l => l.StartsWith("bound ")).Split(' ')[2]);
        var web = int.Parse(child.WaitForLine(l => l.StartsWith("bound ")).Split(' ')[2]);
        Assert.EndsWith($":{web}", child.WaitForLine(l => l.StartsWith("listening systemd:domain=INET:name=web ")));
        Assert.EndsWith($":{admin}", child.WaitForLine(l => l.StartsWith("listening systemd:domain=INET:name=admin ")));
        Assert.Equal("to web", Echo(new IPEndPoint(IPAddress.Loopback, web), "to web"));
        Assert.Equal("to admin", Echo(new IPEndPoint(IPAddress.Loopback, admin), "to admin"));
        child.Signal("TERM");
        Assert.Equal(0, child.WaitForExit());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WithoutDomainTheFamilyIsTheSockets(string name)
    {
        ReactorNames.Create(name);
        var path = Path.Combine(_dir, "named.sock");
        using var child = Activate(name, "inet,unix:" + path, ["systemd:name=web", "systemd:index=1"], fdNames: "web:local");
        var port = int.Parse(child.WaitForLine(l => l.StartsWith("bound ")).Split(' ')[2]);
        Assert.EndsWith($":{port}", child.WaitForLine(l => l.StartsWith("listening systemd:name=web ")));
        child.WaitForLine(l => l.StartsWith("listening systemd:index=1 "));
        Assert.Equal("inet", Echo(new IPEndPoint(IPAddress.Loopback, port), "inet"));
        Assert.Equal("unix", Echo(new UnixDomainSocketEndPoint(path), "unix"));
        child.Signal("TERM");
        Assert.Equal(0, child.WaitForExit());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ASocketOfTheWrongKindIsRefusedSayingWhatItIs(string name)
    {
        ReactorNames.Create(name);
        // A datagram socket, and a stream socket asked for as the other family.
        using var child = Activate(name, "udp,inet", ["systemd:name=dgram", "systemd:domain=INET6:name=web"], fdNames: "dgram:web");
        Assert.Contains("systemd socket 'dgram' (descriptor 3) is a datagram socket", child.WaitForLine(l => l.StartsWith("refused systemd:name=dgram")));
        Assert.Contains("systemd socket 'web' (descriptor 4) is INET, not INET6", child.WaitForLine(l => l.StartsWith("refused systemd:domain=INET6")));
        Assert.Equal(1, child.WaitForExit());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnUnknownNameIsRefusedNamingThePassedOnes(string name)
    {
        ReactorNames.Create(name);
        using var child = Activate(name, "inet", ["systemd:domain=INET:name=nope"], fdNames: "web");
        var refused = child.WaitForLine(l => l.StartsWith("refused "));
        Assert.Contains("no socket named 'nope'", refused);
        Assert.Contains("web", refused);
        Assert.Equal(1, child.WaitForExit());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ServesOnAnInheritedIPv6Socket(string name)
    {
        ReactorNames.Create(name);
        if (!Socket.OSSupportsIPv6 || !NetworkInterface.GetAllNetworkInterfaces().Any(n =>
                n.GetIPProperties().UnicastAddresses.Any(a => IPAddress.IPv6Loopback.Equals(a.Address))))
        {
            Assert.Skip("This machine has no IPv6 loopback address (::1).");
        }
        using var child = Activate(name, "inet6", ["systemd:domain=INET6:index=0"]);
        var port = int.Parse(child.WaitForLine(l => l.StartsWith("bound ")).Split(' ')[2]);
        Assert.EndsWith($":{port}", child.WaitForLine(l => l.StartsWith("listening ")));
        Assert.Equal("over ipv6", Echo(new IPEndPoint(IPAddress.IPv6Loopback, port), "over ipv6"));
        child.Signal("TERM");
        Assert.Equal(0, child.WaitForExit());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ServesOnAnInheritedUnixSocket(string name)
    {
        ReactorNames.Create(name);
        var path = Path.Combine(_dir, "activated.sock");
        using var child = Activate(name, "unix:" + path, ["systemd:domain=UNIX:index=0"]);
        child.WaitForLine(l => l.StartsWith("listening "));
        Assert.Equal("over unix", Echo(new UnixDomainSocketEndPoint(path), "over unix"));
        child.Signal("TERM");
        Assert.Equal(0, child.WaitForExit());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void SocketsForAnotherProcessAreRefusedSayingWhy(string name)
    {
        ReactorNames.Create(name);
        using var child = Activate(name, "inet", ["systemd:domain=INET:index=0"], listenPidOf: "parent");
        var refused = child.WaitForLine(l => l.StartsWith("refused "));
        Assert.Contains("LISTEN_PID", refused);
        Assert.Contains("not this process", refused);
        Assert.Equal(1, child.WaitForExit());
    }

    /// <summary>Runs the test program "systemd" under the parent that plays systemd.</summary>
    private static ChildProcess Activate(string reactor, string sockets, string[] descriptions, string? fdNames = null, string listenPidOf = "self")
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var info = new ProcessStartInfo(python);
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(PlaySystemd);
        info.ArgumentList.Add(ChildProcess.ProgramPath("Torsion.TestPrograms"));
        info.ArgumentList.Add("systemd");
        info.ArgumentList.Add(reactor);
        foreach (var d in descriptions) info.ArgumentList.Add(d);
        info.Environment["SOCKETS"] = sockets;
        info.Environment["LISTEN_PID_OF"] = listenPidOf;
        if (fdNames is not null) info.Environment["FDNAMES"] = fdNames;
        return ChildProcess.Start(info);
    }

    /// <summary>Sends <paramref name="text"/>, half-closes, and reads the echo to the end (10 s at most).</summary>
    private static string Echo(EndPoint server, string text)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, server.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        socket.ReceiveTimeout = 60_000;
        socket.Connect(server);
        socket.Send(System.Text.Encoding.ASCII.GetBytes(text));
        socket.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        for (int n; received.Length <= text.Length && (n = socket.Receive(buffer)) > 0;) received.Write(buffer, 0, n);
        return System.Text.Encoding.ASCII.GetString(received.ToArray());
    }
}

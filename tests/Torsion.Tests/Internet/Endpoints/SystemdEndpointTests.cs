using System.Net;
using System.Net.Sockets;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet.Endpoints;

/// <summary>
/// Socket activation end to end: a parent plays systemd (binds a socket, puts it on descriptor 3, sets
/// LISTEN_FDS and LISTEN_PID) and execs a Torsion program that serves on "systemd:domain=INET:index=0".
/// </summary>
public sealed class SystemdEndpointTests
{
    private const string PlaySystemd = """
        import os, socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        print("bound", s.getsockname()[1], flush=True)
        os.dup2(s.fileno(), 3)
        os.set_inheritable(3, True)
        os.environ["LISTEN_FDS"] = "1"
        os.environ["LISTEN_PID"] = str(os.getpid())  # exec keeps the pid
        os.execvp("dotnet", ["dotnet"] + sys.argv[1:])
        """;

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ServesOnTheInheritedSocket(string name)
    {
        ReactorNames.Create(name);
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        using var child = ChildProcess.Start(python, "-c", PlaySystemd, ChildProcess.ProgramPath("Torsion.TestPrograms"), "systemd", name);
        var port = int.Parse(child.WaitForLine(l => l.StartsWith("bound ")).Split(' ')[1]);
        var listening = child.WaitForLine(l => l.StartsWith("listening "));
        Assert.EndsWith($":{port}", listening);
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        var stream = client.GetStream();
        stream.Write("activated"u8);
        client.Client.Shutdown(SocketShutdown.Send);
        client.ReceiveTimeout = 60_000;
        Assert.Equal("activated", new StreamReader(stream).ReadToEnd());
        child.Signal("TERM");
        Assert.Equal(0, child.WaitForExit());
    }
}

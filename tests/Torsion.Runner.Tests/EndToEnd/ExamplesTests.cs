using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>The examples, each run the way the README says: torsiond as a real process.</summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class ExamplesTests
{
    private static string Example(string name) => Path.Combine(Torsiond.RepositoryRoot, "examples", name);

    private static Torsion.Tests.Support.ChildProcess StartExample(string script, int port, params string[] extra)
    {
        var dir = Torsiond.Scratch();
        var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() }, ["-n", "--pidfile", "", .. extra, "-y", Example(script)]);
        try
        {
            server.WaitForLine(l => l.Contains("Started"));
        }
        catch
        {
            server.Dispose(); // the caller never gets it to dispose: do not leave a server running
            throw;
        }
        return server;
    }

    private static void Stop(Torsion.Tests.Support.ChildProcess server)
    {
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    private static TcpClient Connect(int port)
    {
        var client = new TcpClient { ReceiveTimeout = 60_000 };
        client.Connect(IPAddress.Loopback, port);
        return client;
    }

    [Fact]
    public void Reverser()
    {
        var port = Torsiond.FreePort();
        using var server = StartExample("reverser.csx", port);
        using (var client = Connect(port))
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.UTF8);
            stream.Write("hello, torsion\n"u8);
            Assert.Equal("noisrot ,olleh", reader.ReadLine());
            stream.Write("quit\n"u8);
            Assert.Null(reader.ReadLine()); // the server hung up
        }
        Stop(server);
    }

    [Fact]
    public void WebEcho()
    {
        var port = Torsiond.FreePort();
        using var server = StartExample("webecho.csx", port);
        using (var client = Connect(port))
        {
            var stream = client.GetStream();
            stream.Write("GET /poem HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Test: yes\r\n\r\n"u8);
            using var all = new MemoryStream();
            stream.CopyTo(all); // until the server closes
            var text = Encoding.UTF8.GetString(all.ToArray());
            var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var head = text[..split];
            var body = text[(split + 4)..];
            Assert.StartsWith("HTTP/1.0 200 OK\r\n", head);
            var length = head.Split("\r\n").Single(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(Encoding.UTF8.GetByteCount(body), int.Parse(length.Split(':')[1].Trim()));
            Assert.StartsWith("You said:", body);
            Assert.Contains("GET /poem HTTP/1.0", body);
            Assert.Contains("X-Test: yes", body);
        }
        Stop(server);
    }

    [Fact]
    public void AddReader()
    {
        var port = Torsiond.FreePort();
        using var server = StartExample("addreader.csx", port, "-r", "epoll");
        using (var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            client.Client.ReceiveTimeout = 60_000;
            client.Send("datagram"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, port));
            var from = new IPEndPoint(IPAddress.Any, 0);
            Assert.Equal("you sent: datagram", Encoding.UTF8.GetString(client.Receive(ref from)));
        }
        Stop(server);
    }

    [Fact]
    public void AddReaderSaysWhyOnTheSocketsReactor()
    {
        var dir = Torsiond.Scratch();
        var (status, output) = Torsiond.Run(dir, new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString() }, "-n", "--pidfile", "", "-r", "sockets", "-y", Example("addreader.csx"));
        Assert.Equal(1, status);
        Assert.Contains("needs a reactor with AddReader", output);
    }

    [Fact]
    public void Blocking()
    {
        var port = Torsiond.FreePort();
        using var server = StartExample("blocking.csx", port);
        using (var client = Connect(port))
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.UTF8);
            stream.Write("12\n"u8);
            var answer = reader.ReadLine()!;
            Assert.StartsWith("12 squared is 144", answer);
            // "the clock ticked from A to B meanwhile": the loop kept ticking during the blocking call.
            var words = answer.Split(' ');
            var from = int.Parse(words[Array.IndexOf(words, "from") + 1]);
            var to = int.Parse(words[Array.IndexOf(words, "to") + 1]);
            Assert.True(to > from, answer);
        }
        Stop(server);
    }
}

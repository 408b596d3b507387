using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using IService = Torsion.Services.IService;
using Torsion.Internet;
using Torsion.Runner.Scripting;
using Torsion.Runner.Tests.Support;

namespace Torsion.Runner.Tests.Scripting;

/// <summary>
/// The example scripts in examples/, loaded as torsiond loads them and started on a running reactor,
/// each on a free port passed through PORT and exercised with a real client.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed partial class ExampleScriptTests : IDisposable
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);

    private readonly string? _savedPort = Environment.GetEnvironmentVariable("PORT");
    private readonly TempDirectory _cache = new();
    private readonly BackgroundReactor _reactor = new();
    private IService? _application;

    public void Dispose()
    {
        try
        {
            if (_application is { Running: true } app)
            {
                _reactor.CallDeferred(app.StopService);
            }
        }
        finally
        {
            _reactor.Dispose();
            _cache.Dispose();
            Environment.SetEnvironmentVariable("PORT", _savedPort);
        }
    }

    /// <summary>examples/NAME in the source tree: the files users read, not copies.</summary>
    private static string ExamplePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", name);
            if (File.Exists(Path.Combine(dir.FullName, "Torsion.slnx")) && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"examples/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A port nobody listens on now: bound to 0 by the kernel's choice, then released.</summary>
    private static int FreePort(SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Loads the example with PORT set, starts its service tree on the reactor thread, and returns the port.</summary>
    private int Start(string example, SocketType type = SocketType.Stream, ProtocolType protocol = ProtocolType.Tcp)
    {
        var port = FreePort(type, protocol);
        Environment.SetEnvironmentVariable("PORT", port.ToString(CultureInfo.InvariantCulture));
        var loaded = ApplicationLoader.Load(ExamplePath(example), _reactor.Reactor, _cache.Path);
        _application = loaded.Application;
        _reactor.Call(loaded.Application.StartService);
        return port;
    }

    private static TcpClient Connect(int port)
    {
        var client = new TcpClient { ReceiveTimeout = (int)ClientTimeout.TotalMilliseconds, SendTimeout = (int)ClientTimeout.TotalMilliseconds };
        client.Connect(IPAddress.Loopback, port);
        return client;
    }

    [Fact]
    public void ReverserReversesLinesAndQuitCloses()
    {
        var port = Start("reverser.csx");
        using var client = Connect(port);
        var stream = client.GetStream();
        stream.Write("hello\r\nTorsion\nquit\r\nnot answered\n"u8);
        // ReadToEnd returns only because "quit" made the server close the connection.
        Assert.Equal("olleh\nnoisroT\n", new StreamReader(stream).ReadToEnd());
    }

    [Fact]
    public void WebEchoAnswersWithTheRequestAndAnExactContentLength()
    {
        var port = Start("webecho.csx");
        using var client = Connect(port);
        var stream = client.GetStream();
        stream.Write("GET /hello HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: torsion-test\r\n\r\n"u8);
        using var all = new MemoryStream();
        stream.CopyTo(all); // to end of stream: the server closes after answering
        var response = all.ToArray();

        var headEnd = response.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(headEnd > 0, "no end of head in: " + Encoding.UTF8.GetString(response));
        var head = Encoding.ASCII.GetString(response, 0, headEnd).Split("\r\n");
        var body = response.AsSpan(headEnd + 4).ToArray();
        Assert.Equal("HTTP/1.0 200 OK", head[0]);
        Assert.Contains(head, h => h.StartsWith("Content-Type: text/plain", StringComparison.Ordinal));
        var contentLength = Assert.Single(head, h => h.StartsWith("Content-Length: ", StringComparison.Ordinal));
        Assert.Equal(body.Length, int.Parse(contentLength["Content-Length: ".Length..], CultureInfo.InvariantCulture));
        Assert.Equal("You said:\nGET /hello HTTP/1.0\nHost: 127.0.0.1\nUser-Agent: torsion-test\n", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void AddReaderAnswersDatagramsAndUnregistersOnStop()
    {
        if (_reactor.Reactor is not IReactorFDSet fdSet)
        {
            Assert.Skip($"The {_reactor.Reactor.Name} reactor has no IReactorFDSet.");
            return;
        }
        var port = Start("addreader.csx", SocketType.Dgram, ProtocolType.Udp);
        Assert.Equal(1, _reactor.Call(() => fdSet.GetReaders().Count(r => r is IService)));

        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        client.Client.ReceiveTimeout = (int)ClientTimeout.TotalMilliseconds;
        var server = new IPEndPoint(IPAddress.Loopback, port);
        foreach (var text in new[] { "hello", "again" })
        {
            client.Send(Encoding.UTF8.GetBytes(text), server);
            var from = new IPEndPoint(IPAddress.Any, 0);
            Assert.Equal($"you sent: {text}", Encoding.UTF8.GetString(client.Receive(ref from)));
            Assert.Equal(server, from);
        }

        _reactor.CallDeferred(_application!.StopService);
        Assert.Equal(0, _reactor.Call(() => fdSet.GetReaders().Count(r => r is IService)));
    }

    [Fact]
    public void AddReaderNeedsAReactorWithAddReader()
    {
        var sockets = Reactors.Create("sockets");
        try
        {
            var e = Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(ExamplePath("addreader.csx"), sockets, _cache.Path));
            Assert.Contains("the script threw System.NotSupportedException: addreader.csx needs a reactor with AddReader", e.Message);
        }
        finally
        {
            ((IDisposable)sockets).Dispose();
        }
    }

    [Fact]
    public void BlockingAnswersFromThePoolWhileTheClockTicks()
    {
        var port = Start("blocking.csx");
        using var client = Connect(port);
        using var reader = new StreamReader(client.GetStream());
        client.GetStream().Write("nonsense\n12\n"u8);
        Assert.Equal("send a whole number", reader.ReadLine());
        var answer = reader.ReadLine();
        var match = BlockingAnswer().Match(answer ?? "");
        Assert.True(match.Success, $"unexpected answer: {answer}");
        // Two seconds in the pool span at least one one-second tick: the reactor thread stayed free.
        var before = int.Parse(match.Groups["before"].Value, CultureInfo.InvariantCulture);
        var after = int.Parse(match.Groups["after"].Value, CultureInfo.InvariantCulture);
        Assert.True(after > before, $"the clock did not tick during the blocking call: {answer}");
    }

    [GeneratedRegex(@"^12 squared is 144; the clock ticked from (?<before>\d+) to (?<after>\d+) meanwhile$")]
    private static partial Regex BlockingAnswer();
}

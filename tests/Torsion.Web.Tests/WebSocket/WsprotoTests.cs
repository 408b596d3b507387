using System.Net;
using Torsion.TestSupport;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>
/// Interop with Python's wsproto (Debian python3-wsproto), a sans-IO implementation driven over raw
/// sockets: wsproto as a client of the Torsion server and as a server for the Torsion client.
/// </summary>
public sealed class WsprotoTests : IDisposable
{
    private const string Common = """
        import socket, sys, collections
        from wsproto import WSConnection, ConnectionType
        from wsproto.events import (Request, AcceptConnection, RejectConnection, TextMessage, BytesMessage,
                                    Ping, Pong, CloseConnection)

        class Peer:
            def __init__(self, sock, role):
                self.sock, self.ws, self.queue = sock, WSConnection(role), collections.deque()
            def send(self, event):
                self.sock.sendall(self.ws.send(event))
            def next(self):
                while not self.queue:
                    data = self.sock.recv(65536)
                    self.ws.receive_data(data or None)
                    self.queue.extend(self.ws.events())
                    if not data and not self.queue:
                        return None
                return self.queue.popleft()
            def message(self):
                # Gathers a whole message from its pieces; returns other events as they are.
                event = self.next()
                if not isinstance(event, (TextMessage, BytesMessage)):
                    return event
                parts = [event.data]
                while not event.message_finished:
                    event = self.next()
                    parts.append(event.data)
                return type(event)(data=("" if isinstance(event, TextMessage) else b"").join(parts))
        """;

    private const string Client = Common + """

        sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
        peer = Peer(sock, ConnectionType.CLIENT)
        peer.send(Request(host="127.0.0.1", target="/wsproto", subprotocols=["chat.v1"]))
        event = peer.next()
        print("ACCEPT", type(event).__name__, event.subprotocol, flush=True)
        peer.send(TextMessage(data="wsproto says hi"))
        print("TEXT", peer.message().data, flush=True)
        peer.send(TextMessage(data="frag", message_finished=False))
        peer.send(TextMessage(data="mented ü", message_finished=True))
        print("TEXT", peer.message().data, flush=True)
        blob = bytes(i % 253 for i in range(200000))
        peer.send(BytesMessage(data=blob))
        print("BYTES", peer.message().data == blob, flush=True)
        peer.send(Ping(payload=b"wp"))
        event = peer.next()
        print("PONG", type(event).__name__, event.payload.decode(), flush=True)
        peer.send(CloseConnection(code=1000, reason="bye"))
        event = peer.next()
        print("CLOSE", type(event).__name__, event.code, flush=True)
        print("EOF", sock.recv(10) == b"", flush=True)
        """;

    private const string Server = Common + """

        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        print("PORT", listener.getsockname()[1], flush=True)
        sock, _ = listener.accept()
        sock.settimeout(30)
        peer = Peer(sock, ConnectionType.SERVER)
        request = peer.next()
        print("REQUEST", request.target, ",".join(request.subprotocols), flush=True)
        peer.send(AcceptConnection(subprotocol="chat.v1"))
        while True:
            event = peer.message()
            if isinstance(event, TextMessage):
                peer.send(TextMessage(data=event.data))
            elif isinstance(event, BytesMessage):
                peer.send(BytesMessage(data=event.data))
            elif isinstance(event, Ping):
                peer.send(event.response())
            elif isinstance(event, CloseConnection):
                print("CLOSED", event.code, event.reason, flush=True)
                peer.send(event.response())
                sock.close()
                break
            else:
                print("UNEXPECTED", event, flush=True)
                break
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-ws-wsproto").FullName;
    private readonly ReactorThread _loop = new();

    public void Dispose()
    {
        _loop.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Script(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void AWsprotoClientTalksToTheTorsionServer()
    {
        var python = Peers.RequirePythonModule("wsproto", "python3-wsproto");
        var protocols = new List<EchoProtocol>();
        var port = _loop.Call(() =>
        {
            var factory = new WebSocketServerFactory(_loop.Reactor, () =>
            {
                var p = new EchoProtocol();
                protocols.Add(p);
                return p;
            }, new WebSocketOptions { MaxOutgoingFrameSize = 30_000 });
            factory.Subprotocols.Add("chat.v1");
            return ((IPEndPoint)_loop.Reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1").GetHost()).Port;
        });
        using var client = new PeerProcess(python, Script("client.py", Client), port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (lines, exit) = client.ReadToExit();
        Assert.True(exit == 0, string.Join("\n", lines) + client.Errors);
        Assert.Equal(
            ["ACCEPT AcceptConnection chat.v1", "TEXT wsproto says hi", "TEXT fragmented ü", "BYTES True", "PONG Pong wp", "CLOSE CloseConnection 1000", "EOF True"],
            lines);
        var server = _loop.Call(() => protocols.Single());
        Assert.Equal((1000, "bye", true), Waits.For(server.Closed.Task, "The server's OnClose"));
        Assert.Equal("/wsproto", _loop.Call(() => server.Path));
    }

    [Fact]
    public void TheTorsionClientTalksToAWsprotoServer()
    {
        var python = Peers.RequirePythonModule("wsproto", "python3-wsproto");
        using var server = new PeerProcess(python, Script("server.py", Server));
        var port = int.Parse(server.ReadLine().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var connected = new TaskCompletionSource<RecordingClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() =>
        {
            WebSocketClient.Connect(_loop.Reactor, new Uri($"ws://127.0.0.1:{port}/py"), () => new RecordingClient(), subprotocols: ["chat.v1"],
                options: new WebSocketOptions { MaxOutgoingFrameSize = 1000 })
                .AddCallbacks(p =>
                {
                    connected.SetResult(p);
                    return 0;
                }, f =>
                {
                    connected.SetException(f.Value);
                    return 0;
                });
        });
        var client = Waits.For(connected.Task, "The connection");
        Assert.Equal("REQUEST /py chat.v1", server.ReadLine());
        Assert.Equal("chat.v1", client.Subprotocol);
        _loop.Call(() => client.SendText(new string('é', 3000)));
        Assert.Equal(new string('é', 3000), RecordingClient.Take(client.Texts));
        var blob = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        _loop.Call(() => client.SendBinary(blob));
        Assert.Equal(blob, RecordingClient.Take(client.Binaries));
        var ponged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() => client.Ping().AddCallback(_ => ponged.SetResult()));
        Waits.For(ponged.Task, "The pong");
        _loop.Call(() => client.Close(3001, "app done"));
        Assert.Equal("CLOSED 3001 app done", server.ReadLine());
        Assert.Equal((3001, "app done", true), client.WaitClosed());
    }
}

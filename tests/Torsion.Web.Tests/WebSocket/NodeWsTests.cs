using System.Net;
using System.Security.Cryptography;
using Torsion.TestSupport;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>
/// Interop with Node's <c>ws</c> (Debian node-ws), a WebSocket implementation no one here wrote: the
/// Torsion client against a ws echo server, and a ws client against the Torsion server.
/// </summary>
public sealed class NodeWsTests : IDisposable
{
    internal const string EchoServer = """
        const WebSocket = require('/usr/share/nodejs/ws');
        const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: process.argv[2] === 'deflate' });
        wss.on('listening', () => console.log('PORT ' + wss.address().port));
        wss.on('connection', (ws, req) => {
          console.log('CONNECTED ' + req.url + ' ' + ws.protocol + (ws.extensions ? ' ' + ws.extensions : ''));
          ws.on('message', (data, isBinary) => {
            const text = isBinary ? null : data.toString();
            if (text !== null && text.startsWith('close:')) {
              const parts = text.split(':');
              ws.close(Number(parts[1]), parts[2]);
              return;
            }
            if (text === 'fragments') {
              ws.send('ab', { fin: false });
              ws.send('cd', { fin: false });
              ws.send('ef', { fin: true });
              return;
            }
            ws.send(data, { binary: isBinary });
          });
          ws.on('close', (code, reason) => console.log('CLOSED ' + code + ' ' + reason.toString()));
        });
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    internal const string Client = """
        const WebSocket = require('/usr/share/nodejs/ws');
        const ws = new WebSocket(process.argv[2], ['chat.v1']);
        const big = Buffer.alloc(3 * 1024 * 1024);
        for (let i = 0; i < big.length; i++) big[i] = i % 251;
        let messages = 0, ponged = false;
        const maybeClose = () => { if (messages === 3 && ponged) ws.close(4000, 'done'); };
        ws.on('open', () => {
          console.log('OPEN ' + ws.protocol + (ws.extensions ? ' ' + ws.extensions : ''));
          ws.send('hello from node');
          ws.send(big);
          ws.send('frag-', { fin: false });
          ws.send('ment', { fin: false });
          ws.send('ed', { fin: true });
          ws.ping(Buffer.from('pp'));
        });
        ws.on('message', (data, isBinary) => {
          messages++;
          if (isBinary) console.log('BINARY ' + data.length + ' ' + (Buffer.compare(data, big) === 0));
          else console.log('TEXT ' + data.toString());
          maybeClose();
        });
        ws.on('pong', d => { console.log('PONG ' + d.toString()); ponged = true; maybeClose(); });
        ws.on('close', (code, reason) => { console.log('CLOSE ' + code + ' ' + reason.toString()); process.exit(0); });
        ws.on('error', e => { console.log('ERROR ' + e.message); process.exit(1); });
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-ws-node").FullName;
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

    private RecordingClient Connect(int port, WebSocketOptions? options = null)
    {
        var connected = new TaskCompletionSource<RecordingClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() =>
        {
            WebSocketClient.Connect(_loop.Reactor, new Uri($"ws://127.0.0.1:{port}/echo?x=1"), () => new RecordingClient(), subprotocols: ["chat.v1", "chat.v0"], options: options)
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
        Assert.True(connected.Task.Wait(TimeSpan.FromSeconds(60)), "The client did not connect.");
        return connected.Task.Result;
    }

    [Fact]
    public void TorsionClientTalksToAWsServer()
    {
        var node = Peers.RequireNodeModule("ws", "node-ws");
        using var server = new PeerProcess(node, Script("server.js", EchoServer));
        var port = int.Parse(server.ReadLine().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var client = Connect(port, new WebSocketOptions { MaxOutgoingFrameSize = 16 * 1024 });
        Assert.Equal("CONNECTED /echo?x=1 chat.v1", server.ReadLine());
        Assert.Equal("chat.v1", client.Subprotocol);

        _loop.Call(() => client.SendText("héllo wörld 😀"));
        Assert.Equal("héllo wörld 😀", RecordingClient.Take(client.Texts));

        // 1 MiB, sent as 64 frames of 16 KiB: ws reassembles and echoes it in one frame.
        var big = RandomNumberGenerator.GetBytes(1024 * 1024);
        _loop.Call(() => client.SendBinary(big));
        Assert.Equal(big, RecordingClient.Take(client.Binaries));

        _loop.Call(() => client.SendText("fragments"));
        Assert.Equal("abcdef", RecordingClient.Take(client.Texts));

        var ponged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() => client.Ping("are you there"u8).AddCallback(_ => ponged.SetResult()));
        Waits.For(ponged.Task, "The pong");

        _loop.Call(() => client.SendText("close:4002:node says bye"));
        Assert.Equal((4002, "node says bye", true), client.WaitClosed());
        Assert.StartsWith("CLOSED 4002", server.ReadLine());
    }

    [Fact]
    public void TorsionClientClosesAWsConnection()
    {
        var node = Peers.RequireNodeModule("ws", "node-ws");
        using var server = new PeerProcess(node, Script("server.js", EchoServer));
        var port = int.Parse(server.ReadLine().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var client = Connect(port);
        server.ReadLine();
        _loop.Call(() => client.Close(1001, "going"));
        Assert.Equal((1001, "going", true), client.WaitClosed()); // ws echoes the code and the reason
        Assert.Equal("CLOSED 1001 going", server.ReadLine());
        Assert.False(_loop.Call(() => client.SendText("late")));
    }

    [Fact]
    public void AWsClientTalksToTheTorsionServer()
    {
        var node = Peers.RequireNodeModule("ws", "node-ws");
        var protocols = new List<EchoProtocol>();
        var port = _loop.Call(() =>
        {
            var factory = new WebSocketServerFactory(_loop.Reactor, () =>
            {
                var p = new EchoProtocol();
                protocols.Add(p);
                return p;
            }, new WebSocketOptions { MaxOutgoingFrameSize = 64 * 1024 });
            factory.Subprotocols.Add("chat.v1");
            return ((IPEndPoint)_loop.Reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1").GetHost()).Port;
        });
        using var client = new PeerProcess(node, Script("client.js", Client), $"ws://127.0.0.1:{port}/room");
        var (lines, exit) = client.ReadToExit();
        Assert.True(exit == 0, string.Join("\n", lines) + client.Errors);
        Assert.Equal("OPEN chat.v1", lines[0]);
        Assert.Equal(["TEXT hello from node", "BINARY 3145728 true", "TEXT frag-mented"], lines.Where(l => l.StartsWith("TEXT", StringComparison.Ordinal) || l.StartsWith("BINARY", StringComparison.Ordinal)));
        Assert.Contains("PONG pp", lines);
        Assert.Equal("CLOSE 4000 ", lines[^1]); // the server echoes the code without the reason
        var server = _loop.Call(() => protocols.Single());
        Assert.Equal((4000, "done", true), Waits.For(server.Closed.Task, "The server's OnClose"));
        Assert.Equal(["hello from node", "binary 3145728", "frag-mented"], _loop.Call(() => server.Messages.ToList()));
        Assert.Equal("/room", _loop.Call(() => server.Path));
    }
}

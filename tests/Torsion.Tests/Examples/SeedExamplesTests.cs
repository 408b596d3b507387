using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Tests.Internet;

namespace Torsion.Tests.Examples;

/// <summary>
/// Twisted's seed examples, each written in a few lines of Torsion exactly as a user would, and
/// exercised on every backend: echo, the line reverser, and the poetry server.
/// </summary>
public sealed class SeedExamplesTests
{
    // ---- the examples themselves ------------------------------------------------------------------

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    private sealed class Reverser : LineReceiver
    {
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            var text = Encoding.UTF8.GetString(line);
            if (text == "quit") Transport.LoseConnection();
            else SendLine(new string(text.Reverse().ToArray()));
        }
    }

    private sealed class Poetry(byte[] poem) : Protocol
    {
        public override void ConnectionMade()
        {
            Transport.Write(poem);
            Transport.LoseConnection();
        }
    }

    // ---- exercising them ------------------------------------------------------------------------------

    private static string Talk(IReactor reactor, Factory factory, string send)
    {
        string? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1");
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient { ReceiveTimeout = 60_000 };
                client.Connect((IPEndPoint)port.GetHost());
                var stream = client.GetStream();
                stream.Write(Encoding.UTF8.GetBytes(send));
                var text = new StreamReader(stream).ReadToEnd();
                reactor.CallFromThread(() => { reply = text; reactor.Stop(); });
            });
        });
        return reply!;
    }

    [Theory, MemberData(nameof(Internet.ReactorNames.All), MemberType = typeof(Internet.ReactorNames))]
    public void ReverserReversesEachLineAndQuitCloses(string name)
    {
        var reply = Talk(Internet.ReactorNames.Create(name), Factory.ForProtocol<Reverser>(), "hello\r\nTorsion\r\nquit\r\nignored\r\n");
        Assert.Equal("olleh\r\nnoisroT\r\n", reply);
    }

    [Theory, MemberData(nameof(Internet.ReactorNames.All), MemberType = typeof(Internet.ReactorNames))]
    public void PoetryServerSendsThePoemAndCloses(string name)
    {
        var poem = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Once upon a midnight dreary, while I pondered, weak and weary,\n", 200)));
        var reply = Talk(Internet.ReactorNames.Create(name), Factory.ForProtocol(() => new Poetry(poem)), "");
        Assert.Equal(Encoding.UTF8.GetString(poem), reply);
    }

    [Theory, MemberData(nameof(Internet.ReactorNames.All), MemberType = typeof(Internet.ReactorNames))]
    public void EchoEchoes(string name)
    {
        var reactor = Internet.ReactorNames.Create(name);
        string? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient { ReceiveTimeout = 60_000 };
                client.Connect((IPEndPoint)port.GetHost());
                var stream = client.GetStream();
                stream.Write("echo me"u8);
                client.Client.Shutdown(SocketShutdown.Send);
                var text = new StreamReader(stream).ReadToEnd();
                reactor.CallFromThread(() => { reply = text; reactor.Stop(); });
            });
        });
        Assert.Equal("echo me", reply);
    }
}

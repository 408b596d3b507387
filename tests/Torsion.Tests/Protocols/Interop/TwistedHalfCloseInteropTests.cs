using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Protocols.Interop;

/// <summary>
/// Half-close against Python Twisted (IHalfCloseableProtocol), both ways: the client sends its
/// request and closes its writing side (loseWriteConnection, a FIN); the server sees
/// readConnectionLost, not connectionLost, and still answers "ack:" + all it read before closing.
/// </summary>
public sealed class TwistedHalfCloseInteropTests
{
    private const int Size = 100_000;

    private static byte[] Request => [.. Enumerable.Range(0, Size).Select(i => (byte)(i * 7))];

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TorsionServerAnswersAfterATwistedClientHalfCloses(string name)
    {
        TwistedPeer.Require();
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        var read = new MemoryStream();
        ChildProcess? peer = null;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Answerer(read, events)), interfaceAddress: "127.0.0.1");
                peer = TwistedPeer.Start("twisted_halfclose.py", "client", ((IPEndPoint)port.GetHost()).Port.ToString(), Size.ToString());
                TwistedPeer.StopIfExits(reactor, peer);
            }, timeout: 60);
            var exitCode = peer!.WaitForExit();
            // The client exits 0 only if the answer was "ack:" + what it sent.
            Assert.True(exitCode == 0, peer.Output);
            Assert.Equal(Request, read.ToArray());
            Assert.Equal(["readConnectionLost", "connectionLost:ConnectionDone"], events);
        }
        finally
        {
            peer?.Dispose();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TwistedServerAnswersAfterATorsionClientHalfCloses(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var peer = TwistedPeer.Start("twisted_halfclose.py", "server");
        var port = TwistedPeer.WaitForPort(peer);
        var reply = new MemoryStream();
        var events = new List<string>();
        Failure? failed = null;
        ReactorRunner.Run(reactor, () =>
        {
            var factory = new Client(() => new Requester(reply, events, reactor), reason =>
            {
                failed = reason;
                reactor.Stop();
            });
            reactor.ConnectTcp("127.0.0.1", port, factory, timeout: 10);
        }, timeout: 60);
        Assert.Null(failed);
        Assert.Equal([.. "ack:"u8, .. Request], reply.ToArray());
        // Twisted's order: the write side's close is reported once the buffer is flushed, then the
        // server's FIN, then the whole connection (closed by ReadConnectionLost).
        Assert.Equal(["writeConnectionLost", "readConnectionLost", "connectionLost:ConnectionDone"], events);
        Assert.Equal(0, peer.WaitForExit());
        Assert.Equal([Convert.ToHexStringLower(Request)], TwistedPeer.ReadUntilDone(peer));
    }

    /// <summary>Reads until the peer's FIN, then answers "ack:" + everything and closes.</summary>
    private sealed class Answerer(MemoryStream read, List<string> events) : Protocol, IHalfCloseableProtocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => read.Write(data);

        public void ReadConnectionLost()
        {
            events.Add("readConnectionLost");
            Transport.Write([.. "ack:"u8, .. read.ToArray()]);
            Transport.LoseConnection();
        }

        public void WriteConnectionLost() => events.Add("writeConnectionLost");

        public override void ConnectionLost(Failure reason) => events.Add("connectionLost:" + reason.Type.Name);
    }

    /// <summary>Sends the request, closes its writing side, and reads the answer until the server's FIN.</summary>
    private sealed class Requester(MemoryStream reply, List<string> events, IReactor reactor) : Protocol, IHalfCloseableProtocol
    {
        public override void ConnectionMade()
        {
            Transport.Write(Request);
            ((ITcpTransport)Transport).LoseWriteConnection();
        }

        public override void DataReceived(ReadOnlySpan<byte> data) => reply.Write(data);

        public void ReadConnectionLost()
        {
            events.Add("readConnectionLost");
            Transport.LoseConnection();
        }

        public void WriteConnectionLost() => events.Add("writeConnectionLost");

        public override void ConnectionLost(Failure reason)
        {
            events.Add("connectionLost:" + reason.Type.Name);
            reactor.Stop();
        }
    }

    private sealed class Client(Func<IProtocol> make, Action<Failure> failed) : ClientFactory(make)
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }
}

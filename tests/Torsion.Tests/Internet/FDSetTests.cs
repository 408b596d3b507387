using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>A user's own non-blocking socket registered with AddReader, on every backend that has IReactorFDSet.</summary>
public sealed class FDSetTests
{
    /// <summary>Reads datagrams from a socket the test owns, the way Twisted's low-level API is used.</summary>
    private sealed class DatagramReader(Socket socket, Action<string> received) : IReadDescriptor
    {
        public int FileDescriptor => (int)socket.Handle;

        public Failure? DoRead()
        {
            var buffer = new byte[2048];
            // Synchronous Receive on a non-blocking socket: no *Async call, so the runtime's own
            // epoll thread never takes this socket over.
            var n = socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock) return null;
            if (error != SocketError.Success) return new Failure(new SocketException((int)error));
            received(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            return null;
        }

        public void ConnectionLost(Failure reason) { }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void UserDescriptorGetsDoReadAndCanBeRemoved(string name)
    {
        var reactor = ReactorNames.Create(name);
        var fdset = ReactorNames.Require<IReactorFDSet>(reactor);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var got = new List<string>();
        var reader = new DatagramReader(socket, got.Add);
        ReactorRunner.Run(reactor, () =>
        {
            fdset.AddReader(reader);
            Assert.Contains(reader, fdset.GetReaders());
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sender.SendTo("one"u8, socket.LocalEndPoint!);
            sender.SendTo("two"u8, socket.LocalEndPoint!);
            reactor.CallLater(0, Check);
            void Check()
            {
                if (got.Count < 2) { reactor.CallLater(0.005, Check); return; }
                fdset.RemoveReader(reader);
                Assert.DoesNotContain(reader, fdset.GetReaders());
                reactor.Stop();
            }
        });
        Assert.Equal(["one", "two"], got);
    }
}

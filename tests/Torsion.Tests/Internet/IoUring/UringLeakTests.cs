using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet.IoUring;

/// <summary>
/// The io_uring loop's completion-based TCP path gives everything back: after many connections
/// opened and closed, no descriptor stays open, every provided buffer is back in the ring, and no
/// request of a connection or port is still in flight.
/// </summary>
[Collection(DescriptorCountCollection.Name)]
public sealed class UringLeakTests
{
    private const int Total = 10_000;
    private const int Concurrent = 64;

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    /// <summary>Sends a ping, closes on the echo, and reports how the connection ended.</summary>
    private sealed class PingOnce(Action<Failure> lost) : Protocol
    {
        public override void ConnectionMade() => Transport.Write("ping"u8);

        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.LoseConnection();

        public override void ConnectionLost(Failure reason) => lost(reason);
    }

    private sealed class PingFactory(Action<Failure> finished) : ClientFactory(() => new PingOnce(finished))
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => finished(reason);
    }

    [Fact]
    public void TenThousandConnectionsLeaveNoDescriptorsBuffersOrRequests()
    {
        Backends.Require(Reactors.Get("io_uring"));
        var before = DescriptorCountCollection.OpenDescriptors();
        var reactor = (PosixReactor)Backends.Create("io_uring");
        var poller = reactor.Uring!;
        var started = 0;
        var done = 0;
        var clean = 0;
        var peakAttached = 0;
        string? error = null;
        (int Attached, int InFlight, int Held)? after = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
            var portNumber = ((IPEndPoint)port.GetHost()).Port;

            void Finished(Failure reason)
            {
                done++;
                if (reason.Value is ConnectionDone)
                {
                    clean++;
                }
                else
                {
                    error ??= reason.ErrorMessage;
                }
                peakAttached = Math.Max(peakAttached, poller.Attached);
                if (started < Total)
                {
                    StartOne();
                }
                else if (done == Total)
                {
                    port.StopListening();
                    WaitForQuiet(0);
                }
            }

            void StartOne()
            {
                started++;
                reactor.ConnectTcp("127.0.0.1", portNumber, new PingFactory(Finished));
            }

            // Completions of the last closes (their cancels) may take a pass or two to arrive.
            void WaitForQuiet(int passes)
            {
                if ((poller.Attached == 0 && poller.OwnerRequestsInFlight == 0 && poller.BuffersHeld == 0) || passes >= 500)
                {
                    after = (poller.Attached, poller.OwnerRequestsInFlight, poller.BuffersHeld);
                    reactor.Stop();
                    return;
                }
                reactor.CallLater(0.01, () => WaitForQuiet(passes + 1));
            }

            for (var i = 0; i < Concurrent; i++)
            {
                StartOne();
            }
        }, timeout: 240);
        reactor.Dispose();
        Assert.Null(error);
        Assert.Equal(Total, done);
        Assert.Equal(Total, clean);
        Assert.True(peakAttached >= 2, "the connections were owners of the ring");
        Assert.Equal((0, 0, 0), after);
        DescriptorCountCollection.AssertReturnsTo(before);
    }
}

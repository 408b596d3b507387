using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// The <c>Torsion</c> meter against a running reactor on every backend, read by an in-process
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>: the counts are exact where the traffic is
/// (connections, bytes, refusals, timers, queued work), the histograms recorded at all.
/// Observable instruments are collected on the loop thread, so nothing moves while they are read.
/// </summary>
public sealed class ReactorMetricsTests
{
    private const int Clients = 4;
    private const int Payload = 3000;

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    private sealed class Counted(Action made, Action lost) : Protocol
    {
        public override void ConnectionMade() => made();
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
        public override void ConnectionLost(Failure reason) => lost();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectionsAndBytesAreCountedExactly(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var metrics = new MeterRecorder(reactor);
        using var go = new ManualResetEventSlim();
        var made = 0;
        var lost = 0;
        long openWhileConnected = -1, acceptedWhileConnected = -1;
        long open = -1, accepted = -1, received = -1, sent = -1, refused = -1, acceptErrors = -1;
        Exception? clientError = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Counted(
                () =>
                {
                    if (++made == Clients)
                    {
                        // Every client is connected and none has sent yet.
                        metrics.Collect();
                        openWhileConnected = metrics.Value(ReactorMetrics.ConnectionsOpen);
                        acceptedWhileConnected = metrics.Value(ReactorMetrics.ConnectionsAccepted);
                        go.Set();
                    }
                },
                () =>
                {
                    if (++lost == Clients)
                    {
                        metrics.Collect();
                        open = metrics.Value(ReactorMetrics.ConnectionsOpen);
                        accepted = metrics.Value(ReactorMetrics.ConnectionsAccepted);
                        received = metrics.Value(ReactorMetrics.BytesReceived, "stream");
                        sent = metrics.Value(ReactorMetrics.BytesSent, "stream");
                        refused = metrics.Value(ReactorMetrics.ConnectionsRefused, "factory");
                        acceptErrors = metrics.Value(ReactorMetrics.ConnectionsRefused, "accept_error");
                        reactor.Stop();
                    }
                })), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                try
                {
                    RunClients(endpoint, go);
                }
                catch (Exception e)
                {
                    clientError = e;
                    reactor.CallFromThread(reactor.Stop);
                }
            });
        });
        Assert.Null(clientError);
        Assert.Equal(Clients, openWhileConnected);
        Assert.Equal(Clients, acceptedWhileConnected);
        Assert.Equal(0, open);
        Assert.Equal(Clients, accepted);
        Assert.Equal(Clients * Payload, received);
        Assert.Equal(Clients * Payload, sent);
        Assert.Equal(0, refused);
        Assert.Equal(0, acceptErrors);
    }

    private static void RunClients(IPEndPoint endpoint, ManualResetEventSlim go)
    {
        var sockets = new List<TcpClient>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                var c = new TcpClient();
                c.Connect(endpoint);
                c.ReceiveTimeout = 30_000;
                sockets.Add(c);
            }
            Assert.True(go.Wait(TimeSpan.FromSeconds(30)), "The server never saw every client connect.");
            var data = new byte[Payload];
            Random.Shared.NextBytes(data);
            foreach (var c in sockets)
            {
                var stream = c.GetStream();
                stream.Write(data);
                var back = new byte[Payload];
                stream.ReadExactly(back);
                Assert.Equal(data, back);
            }
        }
        finally
        {
            foreach (var c in sockets)
            {
                c.Dispose();
            }
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AConnectionTheFactoryRefusesIsCountedAsRefused(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var metrics = new MeterRecorder(reactor);
        long refused = -1, accepted = -1, open = -1;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => null!), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                for (var i = 0; i < 3; i++)
                {
                    using var c = new TcpClient();
                    c.Connect(endpoint);
                    c.ReceiveTimeout = 30_000;
                    // The server closes a refused connection at once: end of file (or a reset).
                    try
                    {
                        Assert.Equal(0, c.GetStream().Read(new byte[1]));
                    }
                    catch (IOException)
                    {
                    }
                }
                reactor.CallFromThread(() =>
                {
                    metrics.Collect();
                    refused = metrics.Value(ReactorMetrics.ConnectionsRefused, "factory");
                    accepted = metrics.Value(ReactorMetrics.ConnectionsAccepted);
                    open = metrics.Value(ReactorMetrics.ConnectionsOpen);
                    reactor.Stop();
                });
            });
        });
        Assert.Equal(3, refused);
        Assert.Equal(3, accepted);
        Assert.Equal(0, open);
    }

    private sealed class FailureFactory(Action<Failure> failed) : ClientFactory(() => new Echo())
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AFailedConnectIsCountedButAStoppedOneIsNot(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var metrics = new MeterRecorder(reactor);
        // A port nobody listens on: bound, then closed.
        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        long failed = -1;
        Failure? why = null;
        ReactorRunner.Run(reactor, () =>
        {
            // Stopped by the caller: not a failure to count.
            var stopped = reactor.ConnectTcp("127.0.0.1", closedPort, new FailureFactory(_ => { }));
            stopped.StopConnecting();
            reactor.ConnectTcp("127.0.0.1", closedPort, new FailureFactory(reason =>
            {
                why = reason;
                metrics.Collect();
                failed = metrics.Value(ReactorMetrics.ConnectionsFailed);
                reactor.Stop();
            }));
        });
        Assert.IsType<ConnectionRefusedError>(why!.Value);
        Assert.Equal(1, failed);
    }

    private sealed class DatagramEcho : DatagramProtocol
    {
        public override void DatagramReceived(ReadOnlySpan<byte> datagram, EndPoint address) => Transport.Write(datagram, address);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void DatagramBytesAreCountedApartFromStreams(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var metrics = new MeterRecorder(reactor);
        long received = -1, sent = -1, streamReceived = -1;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, new DatagramEcho(), "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                client.Client.ReceiveTimeout = 30_000;
                for (var size = 100; size <= 300; size += 100)
                {
                    client.Send(new byte[size], endpoint);
                    IPEndPoint? from = null;
                    Assert.Equal(size, client.Receive(ref from).Length);
                }
                reactor.CallFromThread(() =>
                {
                    metrics.Collect();
                    received = metrics.Value(ReactorMetrics.BytesReceived, "datagram");
                    sent = metrics.Value(ReactorMetrics.BytesSent, "datagram");
                    streamReceived = metrics.Value(ReactorMetrics.BytesReceived, "stream");
                    reactor.Stop();
                });
            });
        });
        Assert.Equal(600, received);
        Assert.Equal(600, sent);
        Assert.Equal(0, streamReceived);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EachLoopOfAGroupIsItsOwnSeries(string name)
    {
        Torsion.TestSupport.Backends.Require(Reactors.Get(name));
        using var group = new ReactorGroup(2, name);
        using var metrics = new MeterRecorder(name, group.Loops);
        long before0 = -1, before1 = -1, after0 = -1, after1 = -1;
        group.CallLater(ReactorRunner.DefaultTimeout, group.Crash);
        group.CallWhenRunning(() =>
        {
            var second = group.Loops[1];
            second.CallFromThread(() =>
            {
                metrics.Collect();
                before0 = metrics.Value(ReactorMetrics.TimersPending, loop: 0);
                before1 = metrics.Value(ReactorMetrics.TimersPending, loop: 1);
                var calls = new[] { second.CallLater(1000, () => { }), second.CallLater(1000, () => { }) };
                metrics.Collect();
                after0 = metrics.Value(ReactorMetrics.TimersPending, loop: 0);
                after1 = metrics.Value(ReactorMetrics.TimersPending, loop: 1);
                foreach (var c in calls)
                {
                    c.Cancel();
                }
                group.Loops[0].CallFromThread(group.Stop);
            });
        });
        group.Run(installSignalHandlers: false);
        // Loop 1's two calls are in loop 1's series only (loop 0 is idle: nothing of it moved).
        Assert.Equal(before1 + 2, after1);
        Assert.Equal(before0, after0);
        Assert.DoesNotContain(metrics.Keys, k => k.StartsWith("wrong-backend", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TimersQueuedWorkAndTheLoopAreMeasured(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var metrics = new MeterRecorder(reactor);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        long before = -1, scheduled = -1, afterCancel = -1, queued = -1;
        ReactorRunner.Run(reactor, () =>
        {
            metrics.Collect();
            before = metrics.Value(ReactorMetrics.TimersPending);
            var calls = Enumerable.Range(0, 3).Select(_ => reactor.CallLater(1000, () => { })).ToList();
            metrics.Collect();
            scheduled = metrics.Value(ReactorMetrics.TimersPending);
            calls[0].Cancel();
            metrics.Collect();
            afterCancel = metrics.Value(ReactorMetrics.TimersPending);
            // One worker, held busy: what is queued behind it waits in the pool's queue.
            reactor.SuggestThreadPoolSize(1);
            reactor.CallInThread(() =>
            {
                started.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            });
            // The worker takes the first item and blocks in it; this one and the next wait in the queue.
            reactor.CallInThread(() => { });
            reactor.CallLater(0.01, () =>
            {
                Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
                reactor.CallInThread(() => { });
                metrics.Collect();
                queued = metrics.Value(ReactorMetrics.ThreadPoolQueue);
                release.Set();
                foreach (var c in calls.Skip(1))
                {
                    c.Cancel();
                }
                reactor.Stop();
            });
        });
        Assert.Equal(before + 3, scheduled);
        Assert.Equal(before + 2, afterCancel);
        Assert.Equal(2, queued);
        // The passes around the timer and the thread calls were timed, and the 10 ms timer's lateness measured.
        var passes = metrics.Recorded(ReactorMetrics.LoopPassDuration);
        Assert.NotEmpty(passes);
        Assert.All(passes, d => Assert.True(d >= 0 && d < 60, $"pass of {d}s"));
        var lags = metrics.Recorded(ReactorMetrics.LoopLag);
        Assert.NotEmpty(lags);
        Assert.All(lags, d => Assert.True(d >= 0 && d < 60, $"lag of {d}s"));
    }
}

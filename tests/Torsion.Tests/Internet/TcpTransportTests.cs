using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// ITcpTransport behaviour beyond echo, on every backend: half-close, abort, flow control in both
/// directions, addresses and options. Real sockets on 127.0.0.1; blocking clients run on the pool.
/// </summary>
public sealed class TcpTransportTests
{
    private static IPEndPoint Listen(IReactor reactor, Factory factory) =>
        (IPEndPoint)reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1").GetHost();

    private static string Ascii(ReadOnlySpan<byte> data) => Encoding.ASCII.GetString(data);

    // ---- half-close ------------------------------------------------------------------------------

    /// <summary>Answers after the peer's FIN, then half-closes its own side.</summary>
    private sealed class ReplyAfterEof(List<string> events) : Protocol, IHalfCloseableProtocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => events.Add($"data:{Ascii(data)}");

        public void ReadConnectionLost()
        {
            events.Add("readLost");
            Transport.Write("reply"u8);
            ((ITcpTransport)Transport).LoseWriteConnection();
        }

        public void WriteConnectionLost() => events.Add("writeLost");

        public override void ConnectionLost(Failure reason) => events.Add($"lost:{reason.Type.Name}");
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void PeerFinGivesReadConnectionLostAndWritingGoesOn(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        string? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = Listen(reactor, Factory.ForProtocol(() => new ReplyAfterEof(events)));
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient();
                client.Connect(endpoint);
                var stream = client.GetStream();
                stream.Write("abc"u8);
                client.Client.Shutdown(SocketShutdown.Send);
                // The server's FIN ends this read: LoseWriteConnection really sent it.
                var text = new StreamReader(stream, Encoding.ASCII).ReadToEnd();
                reactor.CallFromThread(() => reply = text);
            });
            Poll(reactor, () => reply is not null && events.Count == 4);
        });
        Assert.Equal("reply", reply);
        Assert.Equal(["data:abc", "readLost", "writeLost", "lost:ConnectionDone"], events);
    }

    /// <summary>Sends a greeting and half-closes at once, then keeps reading.</summary>
    private sealed class GreetAndHalfClose(List<string> events) : Protocol, IHalfCloseableProtocol
    {
        public override void ConnectionMade()
        {
            Transport.Write("hello"u8);
            ((ITcpTransport)Transport).LoseWriteConnection();
            // Ignored: the write side is closed.
            Transport.Write("late"u8);
        }

        public override void DataReceived(ReadOnlySpan<byte> data) => events.Add($"data:{Ascii(data)}");

        public void ReadConnectionLost() => events.Add("readLost");

        public void WriteConnectionLost() => events.Add("writeLost");

        public override void ConnectionLost(Failure reason) => events.Add($"lost:{reason.Type.Name}");
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void LoseWriteConnectionSendsFinAndReadingGoesOn(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        string? greeting = null;
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = Listen(reactor, Factory.ForProtocol(() => new GreetAndHalfClose(events)));
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient();
                client.Connect(endpoint);
                var stream = client.GetStream();
                var text = new StreamReader(stream, Encoding.ASCII).ReadToEnd();
                // Our write reaches a server whose own write side is already shut.
                stream.Write("bye"u8);
                client.Client.Shutdown(SocketShutdown.Send);
                reactor.CallFromThread(() => greeting = text);
            });
            Poll(reactor, () => greeting is not null && events.Contains("lost:ConnectionDone"));
        });
        Assert.Equal("hello", greeting);
        Assert.Equal(["writeLost", "data:bye", "readLost", "lost:ConnectionDone"], events);
    }

    // ---- closing ---------------------------------------------------------------------------------

    /// <summary>Queues more than the kernel takes at once, then aborts; records where ConnectionLost ran.</summary>
    private sealed class WriteThenAbort(Action<Failure, bool> lost) : Protocol
    {
        private bool _insideAbort;

        public override void ConnectionMade()
        {
            Transport.Write(new byte[8 * 1024 * 1024]);
            _insideAbort = true;
            ((ITcpTransport)Transport).AbortConnection();
            _insideAbort = false;
            Transport.Write("ignored"u8);
        }

        public override void ConnectionLost(Failure reason) => lost(reason, _insideAbort);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AbortConnectionDropsTheBufferAndReportsConnectionAborted(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? reason = null;
        var lostInsideAbort = true;
        long clientGot = -1;
        using var aborted = new ManualResetEventSlim();
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = Listen(reactor, Factory.ForProtocol(() => new WriteThenAbort((f, inside) =>
            {
                reason = f;
                lostInsideAbort = inside;
                aborted.Set();
            })));
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient { ReceiveBufferSize = 4096 };
                client.Connect(endpoint);
                // Not a byte is read before the abort, so only what the kernel took can arrive.
                aborted.Wait(TimeSpan.FromSeconds(15));
                long total = 0;
                var chunk = new byte[65536];
                try
                {
                    int n;
                    while ((n = client.GetStream().Read(chunk)) > 0) total += n;
                }
                catch (IOException)
                {
                    // A reset is a fine way for an abort to look from outside.
                }
                reactor.CallFromThread(() => clientGot = total);
            });
            Poll(reactor, () => reason is not null && clientGot >= 0);
        });
        Assert.IsType<ConnectionAborted>(reason!.Value);
        Assert.False(lostInsideAbort, "ConnectionLost must run on a later pass, not inside AbortConnection.");
        Assert.True(clientGot < 8 * 1024 * 1024, $"The client got all {clientGot} bytes: the buffer was not dropped.");
    }

    /// <summary>Writes, closes, and records whether ConnectionLost ran inside LoseConnection.</summary>
    private sealed class WriteThenLose(Action<Failure, bool> lost) : Protocol
    {
        private bool _insideLose;

        public override void ConnectionMade()
        {
            Transport.Write("bye"u8);
            _insideLose = true;
            Transport.LoseConnection();
            _insideLose = false;
        }

        public override void ConnectionLost(Failure reason) => lost(reason, _insideLose);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void LoseConnectionClosesCleanlyOnALaterPass(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? reason = null;
        var lostInside = true;
        string? got = null;
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = Listen(reactor, Factory.ForProtocol(() => new WriteThenLose((f, inside) =>
            {
                reason = f;
                lostInside = inside;
            })));
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient();
                client.Connect(endpoint);
                var text = new StreamReader(client.GetStream(), Encoding.ASCII).ReadToEnd();
                reactor.CallFromThread(() => got = text);
            });
            Poll(reactor, () => reason is not null && got is not null);
        });
        Assert.Equal("bye", got);
        Assert.IsType<ConnectionDone>(reason!.Value);
        Assert.False(lostInside, "ConnectionLost must run on a later pass, not inside LoseConnection.");
    }

    // ---- flow control ------------------------------------------------------------------------------

    /// <summary>Streams a known byte pattern as fast as the transport lets it, pausing when told.</summary>
    private sealed class PatternProducer(long total, Action paused, List<string> events) : Protocol, IPushProducer
    {
        private readonly byte[] _chunk = new byte[16 * 1024];
        private long _sent;
        private bool _paused;
        private bool _done;

        public override void ConnectionMade()
        {
            ((ITcpTransport)Transport).RegisterProducer(this, streaming: true);
            Produce();
        }

        private void Produce()
        {
            while (!_paused && !_done)
            {
                var n = (int)Math.Min(_chunk.Length, total - _sent);
                for (var i = 0; i < n; i++) _chunk[i] = (byte)((_sent + i) % 251);
                _sent += n;
                Transport.Write(_chunk.AsSpan(0, n));
                if (_sent == total)
                {
                    _done = true;
                    ((ITcpTransport)Transport).UnregisterProducer();
                    Transport.LoseConnection();
                }
            }
        }

        public void PauseProducing()
        {
            Assert.False(_paused);
            _paused = true;
            events.Add("pause");
            paused();
        }

        public void ResumeProducing()
        {
            Assert.True(_paused);
            _paused = false;
            events.Add("resume");
            Produce();
        }

        public void StopProducing() => events.Add("stop");

        public override void ConnectionLost(Failure reason) => events.Add($"lost:{reason.Type.Name}");
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StreamingProducerIsPausedAboveTheHighWaterMarkAndResumedWhenDrained(string name)
    {
        // More than loopback's kernel buffers hold with a 4 KiB receive window, so the transport must buffer.
        const long Total = 8 * 1024 * 1024;
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        using var pausedOnce = new ManualResetEventSlim();
        long received = -1;
        long firstMismatch = -1;
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = Listen(reactor, Factory.ForProtocol(() => new PatternProducer(Total, pausedOnce.Set, events)));
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient { ReceiveBufferSize = 4096 };
                client.Connect(endpoint);
                // A slow reader: nothing is read until the server has been told to pause.
                var sawPause = pausedOnce.Wait(TimeSpan.FromSeconds(15));
                long total = 0, mismatch = -1;
                var chunk = new byte[4000];
                int n;
                try
                {
                    while ((n = client.GetStream().Read(chunk)) > 0)
                    {
                        for (var i = 0; i < n && mismatch < 0; i++)
                        {
                            if (chunk[i] != (byte)((total + i) % 251)) mismatch = total + i;
                        }
                        total += n;
                    }
                }
                catch (IOException)
                {
                    // A reset loses data: reported as the short count below.
                }
                reactor.CallFromThread(() =>
                {
                    received = sawPause ? total : -2;
                    firstMismatch = mismatch;
                });
            });
            Poll(reactor, () => received != -1 && events.Count > 0 && events[^1].StartsWith("lost:"), timeout: 50);
        }, timeout: 60);
        Assert.Equal(Total, received);
        Assert.Equal(-1, firstMismatch);
        Assert.Equal("pause", events[0]);
        Assert.Contains("resume", events);
        // Pauses and resumes alternate, and the producer was unregistered before the clean close.
        for (var i = 0; i + 1 < events.Count - 1; i++)
        {
            Assert.NotEqual(events[i], events[i + 1]);
        }
        Assert.Equal("lost:ConnectionDone", events[^1]);
        Assert.DoesNotContain("stop", events);
    }

    /// <summary>Pauses its own transport on connect; records what arrives.</summary>
    private sealed class PausedReader(StringBuilder got) : Protocol
    {
        public override void ConnectionMade() => ((ITcpTransport)Transport).PauseProducing();

        public override void DataReceived(ReadOnlySpan<byte> data) => got.Append(Ascii(data));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void PausingTheTransportStopsDataReceivedUntilResumed(string name)
    {
        var reactor = ReactorNames.Create(name);
        var got = new StringBuilder();
        PausedReader? server = null;
        string? whilePaused = null;
        var clientSent = false;
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = Listen(reactor, Factory.ForProtocol(() => server = new PausedReader(got)));
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient();
                client.Connect(endpoint);
                client.GetStream().Write("while paused"u8);
                reactor.CallFromThread(() => clientSent = true);
                // Keep the connection open until the server has read and closed.
                var buffer = new byte[1];
                client.ReceiveTimeout = 60_000;
                try { _ = client.GetStream().Read(buffer); } catch (IOException) { }
            });
            // Once the server protocol exists and the bytes are on their way, give the loop many
            // passes in which it could wrongly deliver them; then resume and wait for them.
            Poll(reactor, () => server is not null && clientSent, then: () =>
            {
                var passes = 0;
                reactor.CallLater(0, Spin);
                void Spin()
                {
                    if (++passes < 20)
                    {
                        reactor.CallLater(0.005, Spin);
                        return;
                    }
                    whilePaused = got.ToString();
                    ((ITcpTransport)server!.Transport).ResumeProducing();
                    Poll(reactor, () => got.ToString() == "while paused");
                }
            });
        });
        Assert.Equal("", whilePaused);
        Assert.Equal("while paused", got.ToString());
    }

    // ---- addresses and options -------------------------------------------------------------------------

    /// <summary>Records both addresses and exercises the socket options.</summary>
    private sealed class AddressRecorder(Action<AddressRecorder> made) : Protocol
    {
        public EndPoint? Host { get; private set; }
        public EndPoint? Peer { get; private set; }
        public List<bool> NoDelay { get; } = new();
        public List<bool> KeepAlive { get; } = new();

        public override void ConnectionMade()
        {
            var t = (ITcpTransport)Transport;
            Host = t.GetHost();
            Peer = t.GetPeer();
            t.TcpNoDelay = true;
            NoDelay.Add(t.TcpNoDelay);
            t.TcpNoDelay = false;
            NoDelay.Add(t.TcpNoDelay);
            t.TcpKeepAlive = true;
            KeepAlive.Add(t.TcpKeepAlive);
            t.TcpKeepAlive = false;
            KeepAlive.Add(t.TcpKeepAlive);
            made(this);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void HostAndPeerAddressesMirrorEachOtherAndOptionsRoundTrip(string name)
    {
        var reactor = ReactorNames.Create(name);
        AddressRecorder? server = null, client = null;
        IPEndPoint? listening = null;
        ReactorRunner.Run(reactor, () =>
        {
            listening = Listen(reactor, Factory.ForProtocol(() => new AddressRecorder(p => server = p)));
            reactor.ConnectTcp("127.0.0.1", listening.Port, new ClientFactory(() => new AddressRecorder(p => client = p)));
            Poll(reactor, () => server is not null && client is not null);
        });
        Assert.Equal(listening, server!.Host);
        Assert.Equal(listening, client!.Peer);
        Assert.Equal(client.Host, server.Peer);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)server.Peer!).Address);
        Assert.NotEqual(listening!.Port, ((IPEndPoint)server.Peer!).Port);
        Assert.Equal([true, false], server.NoDelay);
        Assert.Equal([true, false], client.NoDelay);
        Assert.Equal([true, false], server.KeepAlive);
        Assert.Equal([true, false], client.KeepAlive);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /// <summary>
    /// Checks <paramref name="done"/> on the loop every few milliseconds; then runs <paramref name="then"/>,
    /// or stops the reactor if there is none (or the condition never came true).
    /// </summary>
    private static void Poll(IReactor reactor, Func<bool> done, Action? then = null, double timeout = 15)
    {
        var deadline = reactor.Seconds() + timeout;
        reactor.CallLater(0, Check);
        void Check()
        {
            if (done())
            {
                if (then is null)
                {
                    reactor.Stop();
                }
                else
                {
                    then();
                }
                return;
            }
            if (reactor.Seconds() > deadline)
            {
                reactor.Stop();
                return;
            }
            reactor.CallLater(0.005, Check);
        }
    }
}

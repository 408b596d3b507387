using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// <see cref="ReactorGroup"/>: N loops behind one reactor, a listening port on every loop, each
/// connection on one loop for its whole life, on every backend.
/// </summary>
public sealed class ReactorGroupTests
{
    public static TheoryData<string, int> BackendsAndLoops
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var info in Reactors.Available)
            {
                data.Add(info.Name, 2);
                data.Add(info.Name, 4);
            }
            return data;
        }
    }

    private static ReactorGroup CreateGroup(string name, int count)
    {
        Torsion.TestSupport.Backends.Require(Reactors.Get(name));
        return new ReactorGroup(count, name);
    }

    private static void RequireSpreading()
    {
        if (!ReactorGroup.SpreadsListeningPorts)
        {
            Assert.Skip("SO_REUSEPORT does not balance connections on this OS: a group port lives on one loop.");
        }
    }

    /// <summary>Runs the group with a watchdog; <paramref name="body"/> runs on the primary once it is running.</summary>
    private static void Run(ReactorGroup group, Action body, double timeout = ReactorRunner.DefaultTimeout)
    {
        Exception? error = null;
        var timedOut = false;
        group.CallLater(timeout, () =>
        {
            timedOut = true;
            group.Crash();
        });
        group.CallWhenRunning(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
                group.Stop();
            }
        });
        group.Run(installSignalHandlers: false);
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
        if (timedOut)
        {
            throw new TimeoutException($"The {group} was still running after {timeout}s.");
        }
    }

    /// <summary>Each loop's managed thread id, recorded by the loop itself as it starts; read after Run returns.</summary>
    private static int[] RecordLoopThreads(ReactorGroup group)
    {
        var ids = new int[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var index = i;
            group.Loops[i].CallFromThread(() => ids[index] = Environment.CurrentManagedThreadId);
        }
        return ids;
    }

    /// <summary>An echo server protocol that notes which thread each of its callbacks ran on.</summary>
    private sealed class ThreadNotingEcho(ConcurrentQueue<string> offThread, ConcurrentDictionary<int, int> byThread, Action<ThreadNotingEcho>? made = null, Action? lost = null) : Protocol
    {
        public int Thread { get; private set; }

        public override void ConnectionMade()
        {
            Thread = Environment.CurrentManagedThreadId;
            byThread.AddOrUpdate(Thread, 1, (_, n) => n + 1);
            made?.Invoke(this);
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Check("DataReceived");
            Transport.Write(data);
        }

        public override void ConnectionLost(Failure reason)
        {
            Check("ConnectionLost");
            lost?.Invoke();
        }

        private void Check(string what)
        {
            if (Environment.CurrentManagedThreadId != Thread)
            {
                offThread.Enqueue($"{what} on thread {Environment.CurrentManagedThreadId}, connection made on {Thread}");
            }
        }
    }

    /// <summary>A protocol that does nothing.</summary>
    private sealed class Idle : Protocol
    {
    }

    /// <summary>A client that sends a line, waits for all of it to come back, and hangs up.</summary>
    private sealed class OneEcho(string message, Action<string> done) : Protocol
    {
        private readonly StringBuilder _got = new();

        public override void ConnectionMade() => Transport.Write(Encoding.ASCII.GetBytes(message));

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            _got.Append(Encoding.ASCII.GetString(data));
            if (_got.Length >= message.Length)
            {
                Transport.LoseConnection();
            }
        }

        public override void ConnectionLost(Failure reason) => done(_got.ToString());
    }

    [Theory, MemberData(nameof(BackendsAndLoops))]
    public void ClientsOfOnePortAreEchoedAndSpreadOverTheLoops(string name, int loops)
    {
        RequireSpreading();
        using var group = CreateGroup(name, loops);
        var loopThreads = RecordLoopThreads(group);
        // 64 connections over 2 loops all land on one with probability 2^-63 (the kernel hashes each
        // connection's 4-tuple): "at least two loops" cannot fail by chance.
        const int clients = 64;
        var offThread = new ConcurrentQueue<string>();
        var byThread = new ConcurrentDictionary<int, int>();
        var replies = new List<(string Sent, string Got)>();
        var port = 0;
        Run(group, () =>
        {
            var listening = group.ListenTcp(0, new Factory(() => new ThreadNotingEcho(offThread, byThread)), interfaceAddress: "127.0.0.1");
            port = ((IPEndPoint)listening.GetHost()).Port;
            Assert.NotEqual(0, port);
            // The clients live on the primary (this thread), so their callbacks need no lock.
            for (var i = 0; i < clients; i++)
            {
                var message = $"hello from client {i}";
                group.ConnectTcp("127.0.0.1", port, new ClientFactory(() => new OneEcho(message, got =>
                {
                    replies.Add((message, got));
                    if (replies.Count == clients)
                    {
                        listening.StopListening().AddBoth(group.Stop);
                    }
                })));
            }
        });
        Assert.Equal(clients, replies.Count);
        Assert.All(replies, r => Assert.Equal(r.Sent, r.Got));
        Assert.Empty(offThread);
        Assert.Equal(clients, byThread.Values.Sum());
        Assert.All(byThread.Keys, id => Assert.Contains(id, loopThreads));
        Assert.True(byThread.Count >= 2, $"All {clients} connections landed on one loop: {string.Join(", ", byThread)}");
    }

    private sealed class CountingFactory(Func<IProtocol> make) : Factory(make)
    {
        public int Starts;
        public int Stops;
        protected override void StartFactory() => Interlocked.Increment(ref Starts);
        protected override void StopFactory() => Interlocked.Increment(ref Stops);
    }

    private sealed class RefusalRecorder(Action<Failure?> done) : ClientFactory(() => new Idle())
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => done(reason);
        public override void ClientConnectionLost(IConnector connector, Failure reason) { }
        public override IProtocol? BuildProtocol(EndPoint address)
        {
            // Connected after StopListening: a loop was still accepting.
            done(null);
            return null;
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StopListeningClosesEveryLoopsSocketAndStopsTheFactoryOnce(string name)
    {
        RequireSpreading();
        using var group = CreateGroup(name, 3);
        var offThread = new ConcurrentQueue<string>();
        var byThread = new ConcurrentDictionary<int, int>();
        var factory = new CountingFactory(() => new ThreadNotingEcho(offThread, byThread));
        const int before = 48;
        const int after = 24;
        var echoed = 0;
        var outcomes = new List<Failure?>();
        int? stoppedOn = null;
        var primaryThread = Environment.CurrentManagedThreadId;
        var startsWhileListening = -1;
        var stopsWhileListening = -1;
        Run(group, () =>
        {
            var listening = group.ListenTcp(0, factory, interfaceAddress: "127.0.0.1");
            var port = ((IPEndPoint)listening.GetHost()).Port;
            startsWhileListening = factory.Starts;
            stopsWhileListening = factory.Stops;
            for (var i = 0; i < before; i++)
            {
                group.ConnectTcp("127.0.0.1", port, new ClientFactory(() => new OneEcho("ping", _ =>
                {
                    if (++echoed < before)
                    {
                        return;
                    }
                    listening.StopListening().AddBoth(() =>
                    {
                        stoppedOn = Environment.CurrentManagedThreadId;
                        // Every loop's socket is closed now: each of these must be refused.
                        for (var j = 0; j < after; j++)
                        {
                            group.ConnectTcp("127.0.0.1", port, new RefusalRecorder(outcome =>
                            {
                                outcomes.Add(outcome);
                                if (outcomes.Count == after)
                                {
                                    group.Stop();
                                }
                            }));
                        }
                    });
                })));
            }
        });
        Assert.Equal(before, echoed);
        Assert.True(byThread.Count >= 2, "The connections before StopListening all landed on one loop.");
        Assert.Equal(after, outcomes.Count);
        Assert.All(outcomes, f => Assert.IsType<ConnectionRefusedError>(f?.Value));
        Assert.Equal(primaryThread, stoppedOn);
        Assert.Equal((1, 0), (startsWhileListening, stopsWhileListening));
        Assert.Equal((1, 1), (factory.Starts, factory.Stops));
        Assert.Equal(0, factory.NumPorts);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StopEndsEveryLoopEachDroppingItsOwnConnectionsAndRunReturns(string name)
    {
        RequireSpreading();
        using var group = CreateGroup(name, 3);
        var threads = new Thread?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var index = i;
            group.Loops[i].CallFromThread(() => threads[index] = Thread.CurrentThread);
        }
        const int clients = 32;
        var offThread = new ConcurrentQueue<string>();
        var byThread = new ConcurrentDictionary<int, int>();
        var made = 0;
        var lost = 0;
        var sockets = new ConcurrentQueue<Socket>();
        var stopper = -1;
        Thread? connecting = null;
        Run(group, () =>
        {
            var listening = group.ListenTcp(0, new Factory(() => new ThreadNotingEcho(offThread, byThread,
                made: _ =>
                {
                    if (Interlocked.Increment(ref made) == clients)
                    {
                        // Called on whichever loop took the last connection: a secondary's Stop is
                        // passed to the primary.
                        stopper = Environment.CurrentManagedThreadId;
                        group.Stop();
                    }
                },
                lost: () => Interlocked.Increment(ref lost))), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)listening.GetHost();
            // Plain blocking clients on another thread: only the server side can close these.
            connecting = new Thread(() =>
            {
                for (var i = 0; i < clients; i++)
                {
                    var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000 };
                    s.Connect(endpoint);
                    sockets.Enqueue(s);
                }
            });
            connecting.Start();
        });
        // The last Connect may return after the server has already taken it (and stopped the group).
        Assert.True(connecting!.Join(TimeSpan.FromSeconds(20)));
        Assert.All(threads, t => Assert.NotNull(t));
        Assert.All(threads.Skip(1), t => Assert.False(t!.IsAlive, $"{t!.Name} is still running after Run returned."));
        Assert.Equal(clients, made);
        Assert.Equal(clients, lost);
        Assert.Empty(offThread);
        Assert.True(byThread.Count >= 2, "All connections landed on one loop.");
        Assert.Equal(0, group.OpenConnections);
        // Every server side was closed by its loop at shutdown: each client reads end-of-file.
        Assert.Equal(clients, sockets.Count);
        var buffer = new byte[16];
        foreach (var s in sockets)
        {
            using (s)
            {
                Assert.Equal(0, s.Receive(buffer));
            }
        }
        Assert.Contains(stopper, threads.Select(t => t!.ManagedThreadId));
    }

    /// <summary>What one server connection saw: the thread of its loop and of each routed call.</summary>
    private sealed class Routed(ReactorGroup group, Action<Routed> done) : Protocol
    {
        public int Loop;
        public int Timer;
        public int ThreadCall;
        public int DeferredResult;
        public int Pool;
        public bool CurrentIsOwnLoop;
        private int _pending = 3;

        public override void ConnectionMade()
        {
            Loop = Environment.CurrentManagedThreadId;
            CurrentIsOwnLoop = ((ReactorBase)group.CurrentLoop).IsInLoopThread;
            group.CallLater(0, () => { Timer = Environment.CurrentManagedThreadId; Done(); });
            group.CallFromThread(() => { ThreadCall = Environment.CurrentManagedThreadId; Done(); });
            ReactorThreads.DeferToThread(group, () => Environment.CurrentManagedThreadId).AddCallback(pool =>
            {
                Pool = pool;
                DeferredResult = Environment.CurrentManagedThreadId;
                Done();
            });
        }

        private void Done()
        {
            if (--_pending == 0)
            {
                done(this);
            }
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallsFromSetupGoToThePrimaryAndCallsFromAProtocolStayOnItsLoop(string name)
    {
        RequireSpreading();
        using var group = CreateGroup(name, 2);
        var loopThreads = RecordLoopThreads(group);
        var testThread = Environment.CurrentManagedThreadId;
        int? setupTimer = null;
        int? foreignCall = null;
        group.CallLater(0, () => setupTimer = Environment.CurrentManagedThreadId);
        const int clients = 64;
        var done = new ConcurrentQueue<Routed>();
        // Every connection's three calls, and the call from a foreign thread, before stopping.
        var remaining = clients + 1;
        void OneDone()
        {
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                group.Stop();
            }
        }
        Run(group, () =>
        {
            Task.Run(() => group.CallFromThread(() =>
            {
                foreignCall = Environment.CurrentManagedThreadId;
                OneDone();
            }));
            var listening = group.ListenTcp(0, new Factory(() => new Routed(group, r =>
            {
                done.Enqueue(r);
                OneDone();
            })), interfaceAddress: "127.0.0.1");
            var port = ((IPEndPoint)listening.GetHost()).Port;
            for (var i = 0; i < clients; i++)
            {
                group.ConnectTcp("127.0.0.1", port, new ClientFactory(() => new Idle()));
            }
        });
        // The primary runs on the thread that called Run; timers and calls from outside any loop go there.
        Assert.Equal(testThread, loopThreads[0]);
        Assert.Equal(testThread, setupTimer);
        Assert.Equal(testThread, foreignCall);
        Assert.Equal(clients, done.Count);
        Assert.All(done, r =>
        {
            Assert.True(r.CurrentIsOwnLoop);
            Assert.Equal(r.Loop, r.Timer);
            Assert.Equal(r.Loop, r.ThreadCall);
            Assert.Equal(r.Loop, r.DeferredResult);
            Assert.DoesNotContain(r.Pool, loopThreads);
        });
        Assert.Contains(done, r => r.Loop != testThread);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OpenConnectionsSumsEveryLoop(string name)
    {
        RequireSpreading();
        using var group = CreateGroup(name, 2);
        const int clients = 24;
        var offThread = new ConcurrentQueue<string>();
        var byThread = new ConcurrentDictionary<int, int>();
        var made = 0;
        var lost = 0;
        var allMade = new ManualResetEventSlim();
        int? whileOpen = null;
        int? afterClose = null;
        Run(group, () =>
        {
            var listening = group.ListenTcp(0, new Factory(() => new ThreadNotingEcho(offThread, byThread,
                made: _ =>
                {
                    if (Interlocked.Increment(ref made) == clients)
                    {
                        allMade.Set();
                    }
                },
                lost: () =>
                {
                    if (Interlocked.Increment(ref lost) == clients)
                    {
                        Task.Run(() =>
                        {
                            afterClose = group.OpenConnections;
                            group.Stop();
                        });
                    }
                })), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)listening.GetHost();
            Task.Run(() =>
            {
                var sockets = new List<Socket>();
                for (var i = 0; i < clients; i++)
                {
                    var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    s.Connect(endpoint);
                    sockets.Add(s);
                }
                // Read from a thread that is no loop's, as torsiond's shutdown watcher might.
                if (allMade.Wait(TimeSpan.FromSeconds(20)))
                {
                    whileOpen = group.OpenConnections;
                }
                foreach (var s in sockets)
                {
                    s.Dispose();
                }
            });
        });
        Assert.Empty(offThread);
        Assert.Equal(clients, whileOpen);
        Assert.Equal(0, afterClose);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnAddressInUseFailsAsItWouldOnOneReactor(string name)
    {
        RequireSpreading();
        using var group = CreateGroup(name, 2);
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var taken = ((IPEndPoint)other.LocalEndpoint).Port;
        Assert.Throws<CannotListenError>(() => group.ListenTcp(taken, Factory.ForProtocol<Idle>(), interfaceAddress: "127.0.0.1"));

        using var second = CreateGroup(name, 2);
        // A port released here is free for anyone: another test's client may take it as its ephemeral port
        // before the second group binds it (seen once in a full run). That race, and only that, is tried
        // again with a fresh port; a port the group failed to release fails every attempt.
        for (var attempt = 1; ; attempt++)
        {
            // SO_REUSEPORT must not let a second group (or a second copy of a server) join the first.
            var first = group.ListenTcp(0, Factory.ForProtocol<Idle>(), interfaceAddress: "127.0.0.1");
            var port = ((IPEndPoint)first.GetHost()).Port;
            Assert.Throws<CannotListenError>(() => second.ListenTcp(port, Factory.ForProtocol<Idle>(), interfaceAddress: "127.0.0.1"));
            Assert.Throws<CannotListenError>(() => second.Primary.ListenTcp(port, Factory.ForProtocol<Idle>(), interfaceAddress: "127.0.0.1"));

            // Before Run, stopping happens at once, on the caller's thread.
            Assert.True(first.StopListening().Called);
            IListeningPort again;
            try
            {
                again = second.ListenTcp(port, Factory.ForProtocol<Idle>(), interfaceAddress: "127.0.0.1");
            }
            catch (CannotListenError) when (attempt < 3)
            {
                continue;
            }
            Assert.Equal(port, ((IPEndPoint)again.GetHost()).Port);
            Assert.True(again.StopListening().Called);
            break;
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TlsListensOnEveryLoop(string name)
    {
        RequireSpreading();
        using var group = CreateGroup(name, 2);
        var certs = Tls.TestCertificates.Instance;
        const int clients = 32;
        var offThread = new ConcurrentQueue<string>();
        var byThread = new ConcurrentDictionary<int, int>();
        var replies = new List<string>();
        Run(group, () =>
        {
            var listening = group.ListenSsl(0, new Factory(() => new ThreadNotingEcho(offThread, byThread)), certs.ServerOptions(), interfaceAddress: "127.0.0.1");
            var port = ((IPEndPoint)listening.GetHost()).Port;
            for (var i = 0; i < clients; i++)
            {
                group.ConnectSsl("127.0.0.1", port, new ClientFactory(() => new OneEcho("secret", got =>
                {
                    replies.Add(got);
                    if (replies.Count == clients)
                    {
                        group.Stop();
                    }
                })), certs.ClientOptions());
            }
        }, timeout: 60);
        Assert.Equal(Enumerable.Repeat("secret", clients), replies);
        Assert.Empty(offThread);
        Assert.True(byThread.Count >= 2, "All TLS connections landed on one loop.");
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnAdoptedListeningSocketIsServedByEveryLoop(string name)
    {
        using var group = CreateGroup(name, 2);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        // Read once, before adopting: reading Handle puts the socket in blocking mode, and the group's
        // duplicates, which share that flag, set it back to non-blocking.
        var fd = (int)listener.Handle;
        const int clients = 24;
        var offThread = new ConcurrentQueue<string>();
        var byThread = new ConcurrentDictionary<int, int>();
        var replies = new List<string>();
        var loopThreads = RecordLoopThreads(group);
        Run(group, () =>
        {
            var port = group.AdoptStreamPort(fd, AddressFamily.InterNetwork, new Factory(() => new ThreadNotingEcho(offThread, byThread)));
            Assert.Equal(endpoint, port.GetHost());
            for (var i = 0; i < clients; i++)
            {
                group.ConnectTcp("127.0.0.1", endpoint.Port, new ClientFactory(() => new OneEcho("adopted", got =>
                {
                    replies.Add(got);
                    if (replies.Count == clients)
                    {
                        port.StopListening().AddBoth(group.Stop);
                    }
                })));
            }
        });
        Assert.Equal(Enumerable.Repeat("adopted", clients), replies);
        Assert.Empty(offThread);
        // Which loop wins each accept is up to the scheduler: only that they are the group's loops.
        Assert.All(byThread.Keys, id => Assert.Contains(id, loopThreads));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AGroupRunsOnceAndCrashEndsEveryLoop(string name)
    {
        var group = CreateGroup(name, 3);
        var threads = new Thread?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var index = i;
            group.Loops[i].CallFromThread(() => threads[index] = Thread.CurrentThread);
        }
        var shutdownTriggers = 0;
        group.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => { shutdownTriggers++; });
        // Crash once every loop has recorded its thread (the secondaries' records happen-before the
        // primary's callback through the Interlocked countdown).
        var waiting = group.Count;
        for (var i = 0; i < group.Count; i++)
        {
            group.Loops[i].CallFromThread(() =>
            {
                if (Interlocked.Decrement(ref waiting) == 0)
                {
                    group.Crash();
                }
            });
        }
        group.Run(installSignalHandlers: false);
        Assert.Equal(0, shutdownTriggers);
        Assert.All(threads.Skip(1), t => Assert.False(t!.IsAlive));
        Assert.Throws<ReactorNotRestartableException>(() => group.Run(installSignalHandlers: false));
        Assert.Throws<ReactorNotRunningException>(group.Stop);
        group.Dispose();
    }
}

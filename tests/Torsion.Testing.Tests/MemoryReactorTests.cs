using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing.Tests;

public sealed class MemoryReactorTests
{
    private readonly MemoryReactor _reactor = new();

    [Fact]
    public void IsNamedMemoryAndProvidesFDSet()
    {
        Assert.Equal("memory", _reactor.Name);
        Assert.IsAssignableFrom<IReactorFDSet>(_reactor);
    }

    [Fact]
    public void RecordsListenTcp()
    {
        var factory = Factory.ForProtocol<EchoProtocol>();

        var port = _reactor.ListenTcp(8080, factory, backlog: 7, interfaceAddress: "127.0.0.1");

        var record = Assert.Single(_reactor.TcpServers);
        Assert.Equal(new TcpServerRecord(8080, factory, 7, "127.0.0.1"), record);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 8080), port.GetHost());
        Assert.Same(port, Assert.Single(_reactor.Ports));
    }

    [Fact]
    public void AFakePortRemembersBeingStopped()
    {
        var port = (MemoryListeningPort)_reactor.ListenTcp(0, Factory.ForProtocol<EchoProtocol>());
        Assert.Equal(new IPEndPoint(IPAddress.Any, 0), port.GetHost());
        Assert.True(port.Listening);

        var stopped = port.StopListening();

        Assert.True(stopped.Called);
        Assert.False(port.Listening);
    }

    [Fact]
    public void RecordsConnectTcpAndTellsTheFactory()
    {
        var factory = new RecordingClientFactory();

        var connector = _reactor.ConnectTcp("example.com", 443, factory, timeout: 5);

        var record = Assert.Single(_reactor.TcpClients);
        Assert.Equal(("example.com", 443, 5.0, (EndPoint?)null), (record.Host, record.Port, record.Timeout, record.BindAddress));
        Assert.Same(factory, record.Factory);
        Assert.Same(connector, Assert.Single(factory.Started));
        Assert.Equal(new DnsEndPoint("example.com", 443), connector.GetDestination());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 1), _reactor.ConnectTcp("127.0.0.1", 1, factory).GetDestination());

        var fake = Assert.IsType<MemoryConnector>(connector);
        fake.StopConnecting();
        fake.Connect();
        fake.Disconnect();
        Assert.True(fake.StoppedConnecting);
        Assert.Equal(1, fake.ConnectCalls);
        Assert.True(fake.Disconnected);
    }

    [Fact]
    public void RunFiresStartupPhasesInOrderAndStopFiresShutdown()
    {
        var log = new List<string>();
        _reactor.AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Startup, () => log.Add($"after startup, running={_reactor.Running}"));
        _reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Startup, () => log.Add($"during startup, running={_reactor.Running}"));
        _reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Startup, () => log.Add($"before startup, running={_reactor.Running}"));
        _reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => log.Add($"before shutdown, running={_reactor.Running}"));
        _reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, () => log.Add($"during shutdown, running={_reactor.Running}"));
        _reactor.AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Shutdown, () => log.Add($"after shutdown, running={_reactor.Running}"));

        _reactor.Run();
        Assert.True(_reactor.Running);
        _reactor.Stop();

        Assert.Equal(
            [
                "before startup, running=False", "during startup, running=True", "after startup, running=True",
                "before shutdown, running=True", "during shutdown, running=False", "after shutdown, running=False",
            ],
            log);
        Assert.True(_reactor.HasRun);
        Assert.True(_reactor.HasStopped);
        Assert.Empty(_reactor.Errors);
    }

    [Fact]
    public void RunAndStopEnforceTheLifecycle()
    {
        Assert.Throws<ReactorNotRunningException>(_reactor.Stop);
        _reactor.Run();
        Assert.Throws<ReactorAlreadyRunningException>(_reactor.Run);
        _reactor.Stop();
        Assert.Throws<ReactorNotRunningException>(_reactor.Stop);
        Assert.Throws<ReactorNotRestartableException>(_reactor.Run);
    }

    [Fact]
    public void CallWhenRunningWaitsForStartupOrRunsAtOnce()
    {
        var log = new List<string>();
        var id = _reactor.CallWhenRunning(() => log.Add("queued"));
        Assert.NotNull(id);
        Assert.Empty(log);

        _reactor.Run();
        Assert.Equal(["queued"], log);

        Assert.Null(_reactor.CallWhenRunning(() => log.Add("now")));
        Assert.Equal(["queued", "now"], log);
    }

    [Fact]
    public void RemovedTriggersDoNotRun()
    {
        var ran = new List<string>();
        var id = _reactor.AddSystemEventTrigger(TriggerPhase.During, "custom", () => ran.Add("removed"));
        _reactor.AddSystemEventTrigger(TriggerPhase.During, "custom", () => ran.Add("kept"));

        _reactor.RemoveSystemEventTrigger(id);
        _reactor.FireSystemEvent("custom");

        Assert.Equal(["kept"], ran);
        Assert.Throws<ArgumentException>(() => _reactor.RemoveSystemEventTrigger(id));
    }

    [Fact]
    public void ATriggerRemovedByAnEarlierOneInTheSamePhaseDoesNotRun()
    {
        var ran = new List<string>();
        TriggerId second = default;
        _reactor.AddSystemEventTrigger(TriggerPhase.During, "custom", () => _reactor.RemoveSystemEventTrigger(second));
        second = _reactor.AddSystemEventTrigger(TriggerPhase.During, "custom", () => ran.Add("second"));

        _reactor.FireSystemEvent("custom");

        Assert.Empty(ran);
    }

    [Fact]
    public void AFailingTriggerIsRecordedAndTheEventGoesOn()
    {
        var ran = false;
        _reactor.AddSystemEventTrigger(TriggerPhase.Before, "custom", () => throw new InvalidOperationException("bad trigger"));
        _reactor.AddSystemEventTrigger(TriggerPhase.After, "custom", () => ran = true);

        _reactor.FireSystemEvent("custom");

        Assert.True(ran);
        Assert.Equal("bad trigger", Assert.Single(_reactor.Errors).Message);
    }

    [Fact]
    public void AFiredDeferredFromABeforeTriggerDoesNotHoldTheEvent()
    {
        var during = false;
        _reactor.AddSystemEventTrigger(TriggerPhase.Before, "custom", () => Deferred.Succeed());
        _reactor.AddSystemEventTrigger(TriggerPhase.During, "custom", () => during = true);

        _reactor.FireSystemEvent("custom");

        Assert.True(during);
    }

    [Fact]
    public void AnUnfiredDeferredFromABeforeShutdownTriggerHoldsShutdownUntilItFires()
    {
        // The graceful-drain pattern: a service finishes its work before the reactor stops.
        var drained = new Deferred();
        var log = new List<string>();
        _reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => drained);
        _reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, () => log.Add("during"));
        _reactor.Run();

        _reactor.Stop();
        _reactor.Iterate();

        Assert.Empty(log);
        Assert.True(_reactor.Running);
        Assert.Throws<ReactorNotRunningException>(_reactor.Stop);

        drained.Callback();
        Assert.Empty(log);
        _reactor.Iterate();

        Assert.Equal(["during"], log);
        Assert.False(_reactor.Running);
    }

    [Fact]
    public void CallLaterUsesTheFakeClock()
    {
        var ran = false;
        var call = _reactor.CallLater(5, () => ran = true);

        Assert.Same(call, Assert.Single(_reactor.GetDelayedCalls()));
        _reactor.Clock.Advance(4);
        Assert.False(ran);
        _reactor.Iterate(1);
        Assert.True(ran);
        Assert.Equal(5, _reactor.Seconds());
    }

    [Fact]
    public void CallFromThreadQueuesUntilIterate()
    {
        var ran = new List<int>();
        var worker = new Thread(() =>
        {
            _reactor.CallFromThread(() => ran.Add(1));
            _reactor.CallFromThread(() => ran.Add(2));
        });
        worker.Start();
        worker.Join();

        Assert.Empty(ran);
        Assert.Equal(2, _reactor.PendingThreadCalls);
        _reactor.Iterate();
        Assert.Equal([1, 2], ran);
        Assert.Equal(0, _reactor.PendingThreadCalls);
    }

    [Fact]
    public void AThreadCallQueuedByAThreadCallWaitsForTheNextIterate()
    {
        var ran = new List<string>();
        _reactor.CallFromThread(() =>
        {
            ran.Add("outer");
            _reactor.CallFromThread(() => ran.Add("inner"));
        });

        _reactor.Iterate();
        Assert.Equal(["outer"], ran);
        _reactor.Iterate();
        Assert.Equal(["outer", "inner"], ran);
    }

    [Fact]
    public void CallInThreadRunsSynchronouslyAndRecordsErrors()
    {
        var ran = false;
        _reactor.CallInThread(() => ran = true);
        _reactor.CallInThread(() => throw new InvalidOperationException("worker failed"));

        Assert.True(ran);
        Assert.Equal("worker failed", Assert.Single(_reactor.Errors).Message);
    }

    [Fact]
    public void ThreadPoolSizeIsRecordedAndThePoolStopsAtShutdown()
    {
        _reactor.SuggestThreadPoolSize(3);
        var pool = _reactor.GetThreadPool();
        Assert.Equal(3, pool.MaxThreads);
        Assert.Same(pool, _reactor.GetThreadPool());

        _reactor.Run();
        _reactor.Stop();

        Assert.Throws<InvalidOperationException>(() => pool.CallInThread(() => { }));
    }

    [Fact]
    public void ResolveAnswersLiteralsAndKnownNames()
    {
        _reactor.HostNames["db.internal"] = "10.0.0.7";

        Assert.True(_reactor.Resolve("192.0.2.1").Called);
        Assert.True(_reactor.Resolve("db.internal").Called);
        Assert.True(_reactor.Resolve("LOCALHOST").Called);
        Assert.Throws<NotSupportedException>(() => _reactor.Resolve("unknown.example"));
    }

    private sealed class ProcessEvents : ProcessProtocol
    {
        public readonly List<string> Events = new();
        public override void ConnectionMade() => Events.Add("made");
        public override void ChildDataReceived(int childFd, ReadOnlySpan<byte> data) => Events.Add($"data {childFd} {System.Text.Encoding.ASCII.GetString(data)}");
        public override void ChildConnectionLost(int childFd) => Events.Add($"lost {childFd}");
        public override void ProcessExited(Failure reason) => Events.Add($"exited {reason.Value.GetType().Name}");
        public override void ProcessEnded(Failure reason) => Events.Add($"ended {reason.Value.GetType().Name}");
    }

    [Fact]
    public void SpawnProcessIsRecordedAndTheTestPlaysTheChild()
    {
        var protocol = new ProcessEvents();
        var transport = _reactor.SpawnProcess(protocol, "/bin/cat", ["cat", "-u"], path: "/tmp");

        var record = Assert.Single(_reactor.Processes);
        Assert.Equal("/bin/cat", record.Executable);
        Assert.Equal(["cat", "-u"], record.Args!);
        Assert.Equal("/tmp", record.Path);
        Assert.Same(transport, record.Transport);
        Assert.Same(transport, protocol.Transport);
        Assert.NotNull(transport.Pid);

        transport.Write("in"u8);
        transport.CloseStdin();
        transport.SignalProcess("SIGTERM");
        record.Transport.Deliver(1, "out"u8);
        record.Transport.CloseFromChild(2);
        record.Transport.Exit(3);
        Assert.Null(transport.Pid);
        record.Transport.CloseFromChild(1);

        Assert.Equal("in"u8.ToArray(), record.Transport.Written(0));
        Assert.Equal([15], record.Transport.Signals);
        Assert.Equal(["made", "lost 0", "data 1 out", "lost 2", "exited ProcessTerminated", "lost 1", "ended ProcessTerminated"], protocol.Events);
        Assert.Throws<ProcessExitedAlreadyException>(() => transport.SignalProcess(9));
    }

    [Fact]
    public void FDSetRecordsReadersAndWriters()
    {
        var fd = new FakeDescriptor();
        _reactor.AddReader(fd);
        _reactor.AddReader(fd);
        _reactor.AddWriter(fd);

        Assert.Same(fd, Assert.Single(_reactor.GetReaders()));
        Assert.Same(fd, Assert.Single(_reactor.GetWriters()));

        _reactor.RemoveWriter(fd);
        Assert.Empty(_reactor.GetWriters());
        _reactor.AddWriter(fd);

        Assert.Same(fd, Assert.Single(_reactor.RemoveAll()));
        Assert.Empty(_reactor.GetReaders());
        Assert.Empty(_reactor.GetWriters());
    }

    [Fact]
    public void AServerStartedThroughTheReactorCanBeDrivenWithAStringTransport()
    {
        // How a user tests their server setup: run the code that listens, pick the factory out of
        // the record, and drive a protocol it builds.
        _reactor.CallWhenRunning(() => _reactor.ListenTcp(7, Factory.ForProtocol<EchoProtocol>()));
        _reactor.Run();

        var server = Assert.Single(_reactor.TcpServers);
        var protocol = server.Factory.BuildProtocol(new IPEndPoint(IPAddress.Loopback, 5555));
        var transport = new StringTransport();
        protocol!.MakeConnection(transport);
        protocol.DataReceived("ping"u8);

        Assert.Equal(7, server.Port);
        Assert.Equal("ping", transport.ValueString);
    }

    private sealed class RecordingClientFactory() : ClientFactory(() => new EchoProtocol())
    {
        public List<IConnector> Started { get; } = new();

        public override void StartedConnecting(IConnector connector) => Started.Add(connector);
    }

    private sealed class FakeDescriptor : IReadDescriptor, IWriteDescriptor
    {
        public int FileDescriptor => 42;

        public Failure? DoRead() => null;

        public Failure? DoWrite() => null;

        public void ConnectionLost(Failure reason) { }
    }
}

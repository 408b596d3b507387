using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Torsion.Defer;
using Torsion.Hosting.Tests.Support;
using Torsion.Internet;
using Torsion.Services;
using TcpClient = System.Net.Sockets.TcpClient;

namespace Torsion.Hosting.Tests;

/// <summary>AddTorsion in a Generic Host: the reactor starts and stops with the host, its listeners serve real sockets.</summary>
public sealed class HostedServiceTests
{
    [Theory, MemberData(nameof(HostBackends.All), MemberType = typeof(HostBackends))]
    public async Task HostServesEchoAndStops(string backend)
    {
        HostBackends.Require(backend);
        var logs = new MemoryLoggerProvider();
        using var host = TestHosts.Builder(backend, logs).WithEcho().Build();
        var hosted = host.Services.GetRequiredService<TorsionHostedService>();

        await host.StartAsync(TestHosts.Timeout());
        Assert.Equal(backend, hosted.Reactor.Name);
        Assert.True(hosted.Application.Running);
        var address = Wire.AddressOf(hosted, "echo");
        Assert.Equal(IPAddress.Loopback, address.Address);
        Assert.NotEqual(0, address.Port);
        using (var client = await Wire.ConnectAsync(address))
        {
            Assert.Equal("hello, host", await Wire.RoundTripAsync(client, "hello, host"));
        }

        await host.StopAsync(TestHosts.Timeout());
        await hosted.Completion.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
        Assert.False(hosted.Application.Running);
        // The port is closed: nothing listens there any more.
        using var late = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(address, TestHosts.Timeout()).AsTask());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        // Torsion's own start line reached the host's logger through the bridge.
        Assert.Contains(logs.Entries, e => e.Category == typeof(TorsionHostedService).FullName && e.Message.Contains("Torsion started torsion", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostBuilderWorksToo()
    {
        var logs = new MemoryLoggerProvider();
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.AddProvider(logs))
            .ConfigureServices(services =>
            {
                services.AddTorsion(o => o.Reactor = "epoll");
                services.AddTorsionListener("tcp:0:interface=127.0.0.1", _ => Factory.ForProtocol<Echo>(), name: "echo");
            })
            .Build();
        await host.StartAsync(TestHosts.Timeout());
        var hosted = host.Services.GetRequiredService<TorsionHostedService>();
        using (var client = await Wire.ConnectAsync(Wire.AddressOf(hosted, "echo")))
        {
            Assert.Equal("from HostBuilder", await Wire.RoundTripAsync(client, "from HostBuilder"));
        }
        await host.StopAsync(TestHosts.Timeout());
        Assert.True(hosted.Completion.IsCompleted);
    }

    [Theory, MemberData(nameof(HostBackends.All), MemberType = typeof(HostBackends))]
    public async Task ABindFailureFailsStartAsync(string backend)
    {
        HostBackends.Require(backend);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var logs = new MemoryLoggerProvider();
        var builder = TestHosts.Builder(backend, logs).WithEcho();
        builder.Services.AddTorsionListener($"tcp:{port}:interface=127.0.0.1", _ => Factory.ForProtocol<Echo>(), name: "taken");
        using var host = builder.Build();
        var hosted = host.Services.GetRequiredService<TorsionHostedService>();

        var error = await Assert.ThrowsAsync<CannotListenError>(() => host.StartAsync(TestHosts.Timeout()));
        Assert.Contains(port.ToString(), error.Message, StringComparison.Ordinal);
        // The reactor has stopped, and the listener that did bind before the failure is closed again.
        await hosted.Completion.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
        var echo = (StreamServerEndpointService)hosted.Application.GetServiceNamed("echo");
        Assert.Null(echo.Port);
        await host.StopAsync(TestHosts.Timeout());
    }

    private sealed class Recorder
    {
        private readonly Lock _lock = new();
        private readonly List<string> _events = [];

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_lock)
                {
                    return [.. _events];
                }
            }
        }

        public void Add(string e)
        {
            lock (_lock)
            {
                _events.Add(e);
            }
        }
    }

    private sealed class RecordingService(string name, Recorder recorder, IReactor reactor) : Service
    {
        public override void StartService()
        {
            Assert.True(reactor.Running, "services start on a running reactor");
            recorder.Add("start " + name);
            base.StartService();
        }

        public override Deferred StopService()
        {
            recorder.Add("stop " + name);
            base.StopService();
            // Stopping takes a turn of the loop, as a real service's would.
            var done = new Deferred();
            reactor.CallLater(0.01, () => done.Callback());
            return done;
        }
    }

    private sealed class InjectedService(Recorder recorder, IReactor reactor) : Service
    {
        public override void StartService()
        {
            recorder.Add($"start injected on {reactor.Name}");
            base.StartService();
        }

        public override Deferred StopService()
        {
            recorder.Add("stop injected");
            return base.StopService();
        }
    }

    [Fact]
    public async Task ServicesFromDiStartInOrderAndStopInReverse()
    {
        var recorder = new Recorder();
        var logs = new MemoryLoggerProvider();
        var builder = TestHosts.Builder("epoll", logs);
        builder.Services.AddSingleton(recorder);
        builder.Services.AddTorsionService(sp => new RecordingService("a", recorder, sp.GetRequiredService<IReactor>()) { Name = "a" });
        builder.Services.AddTorsionService<InjectedService>();
        builder.Services.AddTorsionService(sp => new RecordingService("c", recorder, sp.GetRequiredService<IReactor>()));
        using var host = builder.Build();

        // Resolving the reactor does not run it.
        var reactor = host.Services.GetRequiredService<IReactor>();
        Assert.Same(reactor, host.Services.GetRequiredService<ReactorBase>());
        Assert.False(reactor.Running);
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ReactorGroup>());
        Assert.Empty(recorder.Events);

        await host.StartAsync(TestHosts.Timeout());
        Assert.Equal(["start a", "start injected on epoll", "start c"], recorder.Events);
        var hosted = host.Services.GetRequiredService<TorsionHostedService>();
        Assert.IsType<RecordingService>(hosted.Application.GetServiceNamed("a"));

        // Other services schedule work on the reactor through DI.
        var ran = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        reactor.CallFromThread(() => ran.SetResult(reactor.Running));
        Assert.True(await ran.Task.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken));

        await host.StopAsync(TestHosts.Timeout());
        Assert.Equal(["start a", "start injected on epoll", "start c", "stop c", "stop injected", "stop a"], recorder.Events);
    }

    [Fact]
    public async Task TheReactorStoppingByItselfStopsTheHost()
    {
        var logs = new MemoryLoggerProvider();
        using var host = TestHosts.Builder("poll", logs).WithEcho().Build();
        await host.StartAsync(TestHosts.Timeout());
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        var reactor = host.Services.GetRequiredService<IReactor>();
        reactor.CallFromThread(reactor.Stop);
        await stopping.Task.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
        await host.Services.GetRequiredService<TorsionHostedService>().Completion.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
        await host.StopAsync(TestHosts.Timeout());
    }
}

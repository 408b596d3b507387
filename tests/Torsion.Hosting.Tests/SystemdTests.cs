using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Torsion.Hosting.Tests.Support;
using Torsion.Services;

namespace Torsion.Hosting.Tests;

/// <summary>
/// AddTorsion beside Microsoft.Extensions.Hosting.Systemd: the systemd lifetime sends READY=1 when the host
/// has started, and the host has started only once Torsion's ports are bound, so READY=1 means "accepting".
/// </summary>
public sealed class SystemdTests
{
    [Fact]
    public async Task ReadyArrivesAfterThePortIsBoundAndStoppingOnStop()
    {
        using var notify = new NotifySocket();
        var previous = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", notify.Path);
        try
        {
            var logs = new MemoryLoggerProvider();
            var builder = TestHosts.Builder("epoll", logs).WithEcho();
            builder.Services.AddSystemd();
            if (!SystemdHelpers.IsSystemdService())
            {
                // The package recognises systemd by this process's parent (or pid 1), which a test process
                // cannot fake; register what AddSystemd registers under systemd. The example's test
                // (HostedEchoExampleTests) runs the real detection under a parent named systemd.
                builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
                builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
            }
            using var host = builder.Build();
            Assert.IsType<SystemdLifetime>(host.Services.GetRequiredService<IHostLifetime>());
            Assert.True(host.Services.GetRequiredService<ISystemdNotifier>().IsEnabled);
            var hosted = host.Services.GetRequiredService<TorsionHostedService>();

            // What is true at the moment READY=1 arrives: the echo service listens.
            var ready = notify.ReceiveUntilAsync("READY=1").ContinueWith(
                t => (Message: t.Result, Listening: ((StreamServerEndpointService)hosted.Application.GetServiceNamed("echo")).Port?.GetHost()),
                TaskScheduler.Default);
            await host.StartAsync(TestHosts.Timeout());
            var (message, listening) = await ready.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
            Assert.Contains("READY=1", message.Split('\n'));
            Assert.NotNull(listening);
            using (var client = await Wire.ConnectAsync(Wire.AddressOf(hosted, "echo")))
            {
                Assert.Equal("ready", await Wire.RoundTripAsync(client, "ready"));
            }

            var stopping = notify.ReceiveUntilAsync("STOPPING=1");
            await host.StopAsync(TestHosts.Timeout());
            await stopping.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
            Assert.True(hosted.Completion.IsCompleted);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", previous);
        }
    }
}

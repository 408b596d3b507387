using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Torsion.Hosting.Tests.Support;

namespace Torsion.Hosting.Tests;

/// <summary>
/// StopAsync is torsiond's graceful stop: the ports close, open connections may finish, and the host's
/// shutdown timeout (the token StopAsync gets) ends the wait by dropping what is left.
/// </summary>
public sealed class ShutdownTests
{
    private const string DrainWaiting = "Waiting up to";

    [Theory, MemberData(nameof(HostBackends.All), MemberType = typeof(HostBackends))]
    public async Task AConnectionStillOpenIsServedDuringTheDrainAndStopEndsWhenItCloses(string backend)
    {
        HostBackends.Require(backend);
        var logs = new MemoryLoggerProvider();
        using var host = TestHosts.Builder(backend, logs, shutdownTimeout: TimeSpan.FromSeconds(60)).WithEcho().Build();
        await host.StartAsync(TestHosts.Timeout());
        var hosted = host.Services.GetRequiredService<TorsionHostedService>();
        var address = Wire.AddressOf(hosted, "echo");
        using var client = await Wire.ConnectAsync(address);
        Assert.Equal("before", await Wire.RoundTripAsync(client, "before"));

        var watch = Stopwatch.StartNew();
        var stop = host.StopAsync(TestHosts.Timeout(120));
        // The drain has begun (the ports are closed) and waits for this connection.
        var waiting = await logs.WaitFor(e => e.Message.StartsWith(DrainWaiting, StringComparison.Ordinal));
        Assert.Equal(1, waiting["count"]);
        Assert.False(stop.IsCompleted);
        using (var late = new TcpClient())
        {
            await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(address, TestHosts.Timeout()).AsTask());
        }
        // Still served while the host stops.
        Assert.Equal("during the drain", await Wire.RoundTripAsync(client, "during the drain"));
        client.Client.Shutdown(SocketShutdown.Send);
        Assert.True(await Wire.EndsAsync(client));

        await stop.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
        // Ended by the connection closing, long before the 60 s timeout.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"StopAsync took {watch.Elapsed}");
        Assert.True(hosted.Completion.IsCompleted);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("dropping", StringComparison.OrdinalIgnoreCase));
    }

    [Theory, MemberData(nameof(HostBackends.All), MemberType = typeof(HostBackends))]
    public async Task TheShutdownTimeoutDropsConnectionsStillOpen(string backend)
    {
        HostBackends.Require(backend);
        var logs = new MemoryLoggerProvider();
        using var host = TestHosts.Builder(backend, logs, shutdownTimeout: TimeSpan.FromSeconds(1)).WithEcho().Build();
        await host.StartAsync(TestHosts.Timeout());
        var hosted = host.Services.GetRequiredService<TorsionHostedService>();
        using var client = await Wire.ConnectAsync(Wire.AddressOf(hosted, "echo"));
        Assert.Equal("stay", await Wire.RoundTripAsync(client, "stay"));

        var watch = Stopwatch.StartNew();
        await host.StopAsync(TestHosts.Timeout(120)).WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
        var took = watch.Elapsed;
        // It waited for the connection (the drain ran), then gave up at the host's timeout: loosely 1 s.
        Assert.True(took >= TimeSpan.FromSeconds(0.5), $"StopAsync returned after {took}, before the timeout");
        Assert.True(took < TimeSpan.FromSeconds(20), $"StopAsync took {took}");
        Assert.True(hosted.Completion.IsCompleted);
        // The connection was dropped by the reactor's shutdown.
        Assert.True(await Wire.EndsAsync(client));
        var dropped = await logs.WaitFor(e => e.Message.Contains("shutdown timeout passed", StringComparison.Ordinal));
        Assert.Equal(1, dropped["count"]);
    }

    [Fact]
    public async Task StopWithoutStartDoesNothing()
    {
        var logs = new MemoryLoggerProvider();
        using var host = TestHosts.Builder("epoll", logs).WithEcho().Build();
        await host.StopAsync(TestHosts.Timeout());
        Assert.False(host.Services.GetRequiredService<TorsionHostedService>().Completion.IsCompleted);
    }
}

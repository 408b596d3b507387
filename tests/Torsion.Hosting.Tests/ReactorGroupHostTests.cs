using Microsoft.Extensions.DependencyInjection;
using Torsion.Hosting.Tests.Support;
using Torsion.Internet;

namespace Torsion.Hosting.Tests;

/// <summary>TorsionOptions.Loops above 1: a ReactorGroup behind the host, each connection on one of its loops.</summary>
public sealed class ReactorGroupHostTests
{
    [Theory]
    [InlineData("epoll")]
    [InlineData("poll")]
    public async Task AGroupServesManyClientsAndDrains(string backend)
    {
        HostBackends.Require(backend);
        var logs = new MemoryLoggerProvider();
        using var host = TestHosts.Builder(backend, logs, shutdownTimeout: TimeSpan.FromSeconds(1), loops: 3).WithEcho().Build();
        var group = host.Services.GetRequiredService<ReactorGroup>();
        Assert.Same(group, host.Services.GetRequiredService<IReactor>());
        Assert.Equal(3, group.Count);
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ReactorBase>());
        Assert.False(group.Running);

        await host.StartAsync(TestHosts.Timeout());
        Assert.True(group.Running);
        var address = Wire.AddressOf(host.Services.GetRequiredService<TorsionHostedService>(), "echo");
        var clients = new List<System.Net.Sockets.TcpClient>();
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var client = await Wire.ConnectAsync(address);
                clients.Add(client);
                Assert.Equal($"client {i}", await Wire.RoundTripAsync(client, $"client {i}"));
            }
            // One stays open across the stop: the group's drain counts every loop's connections, then drops it.
            foreach (var client in clients.Skip(1))
            {
                client.Dispose();
            }
            await host.StopAsync(TestHosts.Timeout(120)).WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
            Assert.True(await Wire.EndsAsync(clients[0]));
            Assert.False(group.Running);
        }
        finally
        {
            clients[0].Dispose();
        }
    }
}

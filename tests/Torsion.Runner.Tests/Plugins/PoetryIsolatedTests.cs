using System.Net;
using System.Net.Sockets;
using Torsion.Logging;

using Torsion.Runner.Tests.Support;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>
/// Poetry tests that watch the whole process (the global log, allocated bytes), so they run alone.
/// </summary>
[Collection(IsolatedPluginTests.Name)]
public sealed class PoetryIsolatedTests
{
    private const int PoemSize = 4 << 20;

    [Fact]
    public void AClientThatLeavesMidPoemStopsTheSlowSendersLoopingCallAndNothingIsLogged()
    {
        using var log = new LogCapture();
        using var runner = new BackgroundReactor();
        var (service, addresses) = PoetryServer.Start(runner,
            "--listen", PoetryServer.AnyLoopbackPort, "--poem", PluginFolders.Poem("tyger.txt"), "--num-bytes", "10", "--delay", "0.02");

        using (var client = new TcpClient { ReceiveTimeout = (int)BackgroundReactor.Timeout.TotalMilliseconds })
        {
            client.Connect(addresses[0]);
            var buffer = new byte[10];
            client.GetStream().ReadExactly(buffer);
            Assert.Equal(1, service.ActiveSenders);
        }

        runner.WaitUntil(() => service.ActiveSenders == 0, "the slow sender's LoopingCall has stopped");
        Assert.Equal(0, service.Factories[0].PoemsSent);
        // The loop's timer is gone with it: nothing is left scheduled on the reactor.
        Assert.Empty(runner.Call(() => runner.Reactor.GetDelayedCalls()));
        PoetryServer.Stop(runner, service);
        Assert.Empty(log.AtLeast(LogLevel.Warn));
    }

    [Fact]
    public void AClientThatLeavesMidPoemStopsTheFastSenderAndNothingIsLogged()
    {
        using var log = new LogCapture();
        using var dir = new TempDirectory();
        PoetryServer.WriteRandomPoem(dir.File("large.bin"), PoemSize);
        using var runner = new BackgroundReactor();
        var (service, addresses) = PoetryServer.Start(runner, "--listen", PoetryServer.AnyLoopbackPort, "--poem", dir.File("large.bin"));

        using (var client = new TcpClient { ReceiveTimeout = (int)BackgroundReactor.Timeout.TotalMilliseconds })
        {
            client.Connect(addresses[0]);
            client.GetStream().ReadExactly(new byte[1024]);
        }

        runner.WaitUntil(() => service.ActiveSenders == 0, "the sender has stopped");
        Assert.Equal(0, service.Factories[0].PoemsSent);
        PoetryServer.Stop(runner, service);
        Assert.Empty(log.AtLeast(LogLevel.Warn));
    }

    [Fact]
    public void TwoHundredClientsThatDoNotReadALargePoemDoNotEachCostACopyOfIt()
    {
        const int Clients = 200;
        const int Readers = 10;
        using var dir = new TempDirectory();
        var poem = PoetryServer.WriteRandomPoem(dir.File("large.bin"), PoemSize);
        using var runner = new BackgroundReactor();
        var (service, addresses) = PoetryServer.Start(runner, "--listen", PoetryServer.AnyLoopbackPort, "--poem", dir.File("large.bin"));
        var sockets = new List<Socket>(Clients);
        var buffer = new byte[64 * 1024];
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                // A small receive buffer, so the kernel soon stops taking data for a client that does not read.
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                {
                    ReceiveBufferSize = 4096,
                    ReceiveTimeout = (int)BackgroundReactor.Timeout.TotalMilliseconds,
                };
                sockets.Add(socket);
                socket.Connect(addresses[0]);
            }
            runner.WaitUntil(() => service.Factories[0].Connections == Clients, $"all {Clients} clients are connected");
            // Let every sender run into its full socket: a few passes of the loop in which nothing is read.
            for (var pass = 0; pass < 10; pass++)
            {
                runner.Call(() => { });
            }

            // The poem is still whole for whoever reads it; read it without allocating, a buffer at a time.
            for (var i = 0; i < Readers; i++)
            {
                var offset = 0;
                int n;
                while ((n = sockets[i].Receive(buffer)) > 0)
                {
                    Assert.True(buffer.AsSpan(0, n).SequenceEqual(poem.AsSpan(offset, n)), $"client {i}: bytes at {offset} differ");
                    offset += n;
                }
                Assert.Equal(poem.Length, offset);
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
        runner.WaitUntil(() => service.ActiveSenders == 0, "every sender has stopped");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        // Sharing the poem costs a pooled chunk or so per connection (about 4 MiB in all, measured). Writing it
        // whole copies into each write buffer whatever the kernel did not take at once: up to 200 x 4 MiB,
        // about 265 MiB measured here with Linux's default socket buffers.
        Assert.True(allocated < 100L << 20, $"{allocated / (1 << 20)} MiB allocated while {Clients} clients were served a {PoemSize >> 20} MiB poem.");
        Assert.Equal(Readers, service.Factories[0].PoemsSent);
        PoetryServer.Stop(runner, service);
    }
}

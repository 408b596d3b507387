using Torsion.Runner.Tests.Support;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>The poetry plugin's service on a real reactor, read by real sockets on 127.0.0.1.</summary>
public sealed class PoetryServiceTests
{
    private static readonly string Tyger = PluginFolders.Poem("tyger.txt");
    private static readonly string Sonnet = PluginFolders.Poem("sonnet18.txt");

    [Theory, MemberData(nameof(PoetryServer.Backends), MemberType = typeof(PoetryServer))]
    public void TheWholePoemArrivesByteForByteThenTheServerCloses(string backend)
    {
        using var dir = new TempDirectory();
        // A poem of many chunks as well as the sample, so the pull producer is asked many times.
        var large = PoetryServer.WriteRandomPoem(dir.File("large.bin"), (1 << 20) + 123);
        using var runner = new BackgroundReactor(backend);
        var (service, addresses) = PoetryServer.Start(runner,
            "--listen", PoetryServer.AnyLoopbackPort, "--poem", Tyger,
            "--listen", PoetryServer.AnyLoopbackPort, "--poem", dir.File("large.bin"));

        Assert.Equal(File.ReadAllBytes(Tyger), PoetryServer.ReadPoem(addresses[0]));
        Assert.Equal(large, PoetryServer.ReadPoem(addresses[1]));

        runner.WaitUntil(() => service.ActiveSenders == 0, "both senders are done");
        Assert.Equal([1, 1], service.Factories.Select(f => f.PoemsSent));
        PoetryServer.Stop(runner, service);
    }

    [Fact]
    public void TwoPortsServeTwoPoems()
    {
        using var runner = new BackgroundReactor();
        var (service, addresses) = PoetryServer.Start(runner,
            "--listen", PoetryServer.AnyLoopbackPort, "--poem", Tyger,
            "--listen", PoetryServer.AnyLoopbackPort, "--poem", Sonnet);

        Assert.NotEqual(addresses[0].Port, addresses[1].Port);
        // Twice each, interleaved: every connection gets its port's poem from the start.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(File.ReadAllBytes(Sonnet), PoetryServer.ReadPoem(addresses[1]));
            Assert.Equal(File.ReadAllBytes(Tyger), PoetryServer.ReadPoem(addresses[0]));
        }
        runner.WaitUntil(() => service.ActiveSenders == 0, "every sender is done");
        Assert.Equal([2, 2], service.Factories.Select(f => f.PoemsSent));
        PoetryServer.Stop(runner, service);
    }

    [Fact]
    public void ASlowServerDeliversTheWholePoemInTicks()
    {
        using var runner = new BackgroundReactor();
        var (service, addresses) = PoetryServer.Start(runner,
            "--listen", PoetryServer.AnyLoopbackPort, "--poem", Sonnet, "--num-bytes", "64", "--delay", "0.01");

        Assert.Equal(File.ReadAllBytes(Sonnet), PoetryServer.ReadPoem(addresses[0]));

        runner.WaitUntil(() => service.ActiveSenders == 0, "the slow sender's loop has stopped");
        Assert.Equal(1, service.Factories[0].PoemsSent);
        Assert.Empty(runner.Call(() => runner.Reactor.GetDelayedCalls()));
        PoetryServer.Stop(runner, service);
    }

    [Fact]
    public void ASlowServerWithZeroDelaySendsATickPerLoopPass()
    {
        using var runner = new BackgroundReactor();
        var (service, addresses) = PoetryServer.Start(runner,
            "--listen", PoetryServer.AnyLoopbackPort, "--poem", Tyger, "--num-bytes", "1", "--delay", "0");

        Assert.Equal(File.ReadAllBytes(Tyger), PoetryServer.ReadPoem(addresses[0]));

        runner.WaitUntil(() => service.ActiveSenders == 0, "the slow sender's loop has stopped");
        PoetryServer.Stop(runner, service);
    }
}

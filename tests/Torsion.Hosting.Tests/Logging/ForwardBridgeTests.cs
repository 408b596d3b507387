using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Torsion.Hosting.Logging;
using Torsion.Hosting.Tests.Support;
using Torsion.Logging;
using Torsion.TestSupport;
using ExtensionsLevel = Microsoft.Extensions.Logging.LogLevel;
using TorsionLevel = Torsion.Logging.LogLevel;

namespace Torsion.Hosting.Tests.Logging;

/// <summary>Torsion's log → Microsoft.Extensions.Logging (Twisted's STDLibLogObserver).</summary>
public sealed class ForwardBridgeTests
{
    [Fact]
    public void AnEventKeepsItsCategoryLevelFieldsAndTemplate()
    {
        var memory = new MemoryLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(memory).SetMinimumLevel(ExtensionsLevel.Trace));
        var publisher = new LogPublisher(new ExtensionsLogObserver(factory));
        var log = new Logger("Torsion.Hosting.Tests.Forward", publisher, source: "the-source");

        log.Info("Connection from {peer} lost after {bytes:N0} bytes", ("peer", "127.0.0.1:5000"), ("bytes", 12345));
        log.Warn("Slow {what}", ("what", "reader"));

        var entries = memory.For("Torsion.Hosting.Tests.Forward").ToArray();
        Assert.Equal(2, entries.Length);
        var first = entries[0];
        Assert.Equal(ExtensionsLevel.Information, first.Level);
        Assert.Equal("Connection from 127.0.0.1:5000 lost after 12,345 bytes", first.Message);
        Assert.Equal("127.0.0.1:5000", first["peer"]);
        Assert.Equal(12345, first["bytes"]);
        Assert.Equal("Connection from {peer} lost after {bytes:N0} bytes", first["{OriginalFormat}"]);
        Assert.Equal("{OriginalFormat}", first.State[^1].Key);
        Assert.Equal("the-source", first["log_source"]);
        Assert.Null(first.Exception);
        Assert.Equal(ExtensionsLevel.Warning, entries[1].Level);
    }

    [Theory]
    [InlineData(TorsionLevel.Debug, ExtensionsLevel.Debug)]
    [InlineData(TorsionLevel.Info, ExtensionsLevel.Information)]
    [InlineData(TorsionLevel.Warn, ExtensionsLevel.Warning)]
    [InlineData(TorsionLevel.Error, ExtensionsLevel.Error)]
    [InlineData(TorsionLevel.Critical, ExtensionsLevel.Critical)]
    public void LevelsMapOneToOne(TorsionLevel level, ExtensionsLevel expected)
    {
        var memory = new MemoryLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(memory).SetMinimumLevel(ExtensionsLevel.Trace));
        new ExtensionsLogObserver(factory).Observe(new LogEvent(DateTimeOffset.UtcNow, level, "Levels", "at {level}", new Dictionary<string, object?> { ["level"] = level }));
        Assert.Equal(expected, Assert.Single(memory.Entries).Level);
    }

    [Fact]
    public void AFailureIsPassedAsTheException()
    {
        var memory = new MemoryLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(memory));
        var log = new Logger("Torsion.Hosting.Tests.Failure", new LogPublisher(new ExtensionsLogObserver(factory)));
        var boom = new InvalidOperationException("boom");

        log.Failure("Handling {request} failed", boom, TorsionLevel.Error, ("request", 7));

        var entry = Assert.Single(memory.Entries);
        Assert.Equal(ExtensionsLevel.Error, entry.Level);
        Assert.Same(boom, entry.Exception);
        Assert.Equal(7, entry["request"]);
        Assert.Equal("Handling 7 failed", entry.Message);
    }

    [Fact]
    public void TheLoggersOwnFilterApplies()
    {
        var memory = new MemoryLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(memory).AddFilter("Quiet", ExtensionsLevel.Warning));
        var observer = new ExtensionsLogObserver(factory);
        observer.Observe(new LogEvent(DateTimeOffset.UtcNow, TorsionLevel.Info, "Quiet.Thing", "dropped"));
        observer.Observe(new LogEvent(DateTimeOffset.UtcNow, TorsionLevel.Warn, "Quiet.Thing", "kept"));
        Assert.Equal("kept", Assert.Single(memory.Entries).Message);
    }

    [Fact]
    public async Task AddTorsionForwardsTheGlobalLogWhileTheHostRunsAndCanBeSwitchedOff()
    {
        const string ns = "Torsion.Hosting.Tests.GlobalForward";
        var log = new Logger(ns);
        var on = new MemoryLoggerProvider();
        using (var host = TestHosts.Builder("epoll", on).Build())
        {
            await host.StartAsync(TestHosts.Timeout());
            var expected = LoggedErrors.ExpectFailureMessage("forwarded failure");
            log.Failure("Request {id} failed", new InvalidOperationException("forwarded failure"), TorsionLevel.Error, ("id", 99));
            await host.StopAsync(TestHosts.Timeout());
            Assert.Equal(1, expected.Count);
        }
        log.Info("After the host stopped");
        var entry = Assert.Single(on.For(ns));
        Assert.Equal(99, entry["id"]);
        Assert.Equal("forwarded failure", entry.Exception?.Message);

        var off = new MemoryLoggerProvider();
        var builder = TestHosts.Builder("epoll", off);
        builder.Services.AddTorsion(o => o.ForwardLogging = false);
        using (var host = builder.Build())
        {
            await host.StartAsync(TestHosts.Timeout());
            log.Info("Not forwarded");
            await host.StopAsync(TestHosts.Timeout());
        }
        Assert.Empty(off.For(ns));
        Assert.Empty(off.For(typeof(TorsionHostedService).FullName!));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Torsion.Hosting.Logging;
using Torsion.Hosting.Tests.Support;
using Torsion.Logging;
using Torsion.TestSupport;
using ExtensionsLevel = Microsoft.Extensions.Logging.LogLevel;
using TorsionLevel = Torsion.Logging.LogLevel;

namespace Torsion.Hosting.Tests.Logging;

/// <summary>Microsoft.Extensions.Logging → Torsion's log (TorsionLoggerProvider), and both bridges at once.</summary>
public sealed class ReverseBridgeTests
{
    private static (ILoggerFactory Factory, CapturingObserver Events) Reverse(LogPublisher publisher, string prefix)
    {
        var events = new CapturingObserver(prefix);
        publisher.AddObserver(events);
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(ExtensionsLevel.Trace).AddTorsionLogPublisher(publisher));
        return (factory, events);
    }

    [Fact]
    public void ACallBecomesAnEventWithItsTemplateFieldsAndScopes()
    {
        var publisher = new LogPublisher();
        var (factory, events) = Reverse(publisher, "Reverse");
        using (factory)
        {
            var logger = factory.CreateLogger("Reverse.Orders");
            using (logger.BeginScope(new Dictionary<string, object?> { ["requestId"] = 42, ["user"] = "scope-user" }))
            using (logger.BeginScope("checkout"))
            {
                logger.LogInformation(new EventId(7, "Shipped"), "Shipped {count} parcels to {user}", 3, "ada");
            }
        }
        var e = Assert.Single(events.Events);
        Assert.Equal("Reverse.Orders", e.Namespace);
        Assert.Equal(TorsionLevel.Info, e.Level);
        Assert.Equal("Shipped {count} parcels to {user}", e.Format);
        Assert.Equal("Shipped 3 parcels to ada", e.FormatMessage());
        Assert.Equal(3, e.Fields["count"]);
        // The call's own value wins over the scope's of the same name.
        Assert.Equal("ada", e.Fields["user"]);
        Assert.Equal(42, e.Fields["requestId"]);
        Assert.Equal(new[] { "checkout" }, e.Fields["Scopes"]);
        Assert.Equal(7, e.Fields["EventId"]);
        Assert.Equal("Shipped", e.Fields["EventName"]);
        Assert.Equal("Microsoft.Extensions.Logging", e.Source?.ToString());
        Assert.Null(e.Failure);
    }

    [Fact]
    public void TheExceptionBecomesTheFailureAndLevelsMap()
    {
        var publisher = new LogPublisher();
        var (factory, events) = Reverse(publisher, "Reverse");
        using (factory)
        {
            var logger = factory.CreateLogger("Reverse.Levels");
            logger.LogTrace("t");
            logger.LogDebug("d");
            logger.LogInformation("i");
            logger.LogWarning("w");
            logger.LogError(new TimeoutException("too slow"), "Query {name} failed", "users");
            logger.LogCritical("c");
        }
        Assert.Equal(
            [TorsionLevel.Debug, TorsionLevel.Debug, TorsionLevel.Info, TorsionLevel.Warn, TorsionLevel.Error, TorsionLevel.Critical],
            events.Events.Select(e => e.Level));
        var error = events.Events[4];
        Assert.IsType<TimeoutException>(error.Failure?.Value);
        Assert.Equal("Query users failed", error.FormatMessage());
    }

    [Fact]
    public void ATemplateTorsionCannotRenderKeepsTheFrameworksText()
    {
        var publisher = new LogPublisher();
        var (factory, events) = Reverse(publisher, "Reverse");
        using (factory)
        {
            factory.CreateLogger("Reverse.Destructure").LogInformation("Order {@order} with {{braces}}", new { Id = 5 });
        }
        var e = Assert.Single(events.Events);
        Assert.Equal("Order { Id = 5 } with {braces}", e.FormatMessage());
        Assert.Equal("Order {@order} with {{braces}}", e.Fields["{OriginalFormat}"] ?? "missing");
    }

    [Fact]
    public void TheTorsionLevelFilterIsAskedFirst()
    {
        var levels = new LogLevelFilterPredicate(TorsionLevel.Warn);
        var publisher = new LogPublisher { LevelFilter = levels };
        var (factory, events) = Reverse(publisher, "Reverse");
        using (factory)
        {
            var logger = factory.CreateLogger("Reverse.Filtered");
            Assert.False(logger.IsEnabled(ExtensionsLevel.Information));
            Assert.True(logger.IsEnabled(ExtensionsLevel.Warning));
            logger.LogInformation("dropped");
            logger.LogWarning("kept");
        }
        Assert.Equal("kept", Assert.Single(events.Events).FormatMessage());
    }

    [Fact]
    public async Task BothBridgesOnDeliverEachEventOnceToEachSide()
    {
        const string torsionSide = "Torsion.Hosting.Tests.BothWays.FromTorsion";
        const string extensionsSide = "Torsion.Hosting.Tests.BothWays.FromExtensions";
        var torsionEvents = new CapturingObserver("Torsion.Hosting.Tests.BothWays");
        GlobalLog.Publisher.AddObserver(torsionEvents);
        try
        {
            var memory = new MemoryLoggerProvider();
            var builder = TestHosts.Builder("epoll", memory);
            builder.Logging.AddTorsionLogPublisher();
            using var host = builder.Build();
            await host.StartAsync(TestHosts.Timeout());

            new Logger(torsionSide).Info("From Torsion: {n}", ("n", 1));
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(extensionsSide).LogInformation("From the host: {n}", 2);

            await host.StopAsync(TestHosts.Timeout());

            // Torsion → the host's providers once; not back into Torsion.
            Assert.Single(memory.For(torsionSide));
            Assert.Single(torsionEvents.Events, e => e.Namespace == torsionSide);
            // The host's call → its own providers once, and Torsion's log once; not forwarded back.
            Assert.Single(memory.For(extensionsSide));
            var fromHost = Assert.Single(torsionEvents.Events, e => e.Namespace == extensionsSide);
            Assert.Equal(2, fromHost.Fields["n"]);
        }
        finally
        {
            GlobalLog.Publisher.RemoveObserver(torsionEvents);
        }
    }

    [Fact]
    public async Task AHostErrorLoggedThroughTheBridgeReachesTorsionWithItsException()
    {
        var torsionEvents = new CapturingObserver("Torsion.Hosting.Tests.HostError");
        GlobalLog.Publisher.AddObserver(torsionEvents);
        try
        {
            var memory = new MemoryLoggerProvider();
            var builder = TestHosts.Builder("poll", memory);
            builder.Logging.AddTorsionLogPublisher();
            using var host = builder.Build();
            await host.StartAsync(TestHosts.Timeout());
            var expected = LoggedErrors.ExpectFailureMessage("disk full");
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Torsion.Hosting.Tests.HostError")
                .LogError(new IOException("disk full"), "Saving {file} failed", "state.json");
            await host.StopAsync(TestHosts.Timeout());
            Assert.Equal(1, expected.Count);
            var e = Assert.Single(torsionEvents.Events);
            Assert.Equal("Saving state.json failed", e.FormatMessage());
            Assert.IsType<IOException>(e.Failure?.Value);
        }
        finally
        {
            GlobalLog.Publisher.RemoveObserver(torsionEvents);
        }
    }
}

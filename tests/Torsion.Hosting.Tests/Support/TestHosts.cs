using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Torsion.Internet;

namespace Torsion.Hosting.Tests.Support;

/// <summary>Generic Hosts as an application would build them, with an in-memory logger and an echo listener.</summary>
public static class TestHosts
{
    /// <summary>
    /// <c>Host.CreateApplicationBuilder</c> without the defaults that read the machine (environment,
    /// appsettings, console logging), running <paramref name="backend"/>, logging to <paramref name="logs"/>.
    /// </summary>
    public static HostApplicationBuilder Builder(string backend, MemoryLoggerProvider logs, TimeSpan? shutdownTimeout = null, int loops = 1)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30));
        builder.Services.AddTorsion(o =>
        {
            o.Reactor = backend;
            o.Loops = loops;
        });
        return builder;
    }

    /// <summary>Adds an echo listener named "echo" on 127.0.0.1, port 0.</summary>
    public static HostApplicationBuilder WithEcho(this HostApplicationBuilder builder)
    {
        builder.Services.AddTorsionListener("tcp:0:interface=127.0.0.1", _ => Factory.ForProtocol<Echo>(), name: "echo");
        return builder;
    }

    public static CancellationToken Timeout(double seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}

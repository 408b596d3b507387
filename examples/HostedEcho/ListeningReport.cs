using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Torsion.Hosting;
using Torsion.Services;

namespace HostedEcho;

/// <summary>
/// Logs the address the echo service listens on once the host has started (with <c>tcp:0</c> the
/// kernel picks the port, and this line is how a user, or a test, learns it).
/// </summary>
internal sealed class ListeningReport(TorsionHostedService torsion, IHostApplicationLifetime lifetime, ILogger<ListeningReport> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var echo = (StreamServerEndpointService)torsion.Application.GetServiceNamed("echo");
            log.LogInformation("Echo listening on {Address} ({Reactor} reactor)", echo.Port?.GetHost(), torsion.Reactor.Name);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

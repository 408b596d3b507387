// An echo server as a .NET Generic Host application: configuration from appsettings.json, the
// environment (Echo__Listen=tcp:9000, TORSION_REACTOR=poll) or the command line (--Echo:Listen tcp:9000),
// logs through Microsoft.Extensions.Logging's console, SIGTERM/Ctrl+C drain connections within the host's
// shutdown timeout, and under systemd (Type=notify) READY=1 is sent once the port is bound.
//
//   dotnet run --project examples/HostedEcho -- --Echo:Listen tcp:9000:interface=127.0.0.1
using HostedEcho;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Torsion.Hosting;
using Torsion.Internet;

// appsettings.json is read from beside the program, wherever it is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSystemd();
builder.Services.AddTorsion(options => builder.Configuration.GetSection("Torsion").Bind(options));
builder.Services.AddTorsionListener(
    builder.Configuration["Echo:Listen"] ?? "tcp:8080",
    _ => Factory.ForProtocol<EchoProtocol>(),
    name: "echo");
builder.Services.AddHostedService<ListeningReport>();
if (builder.Configuration.GetValue<double?>("ShutdownTimeoutSeconds") is { } seconds)
{
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(seconds));
}

using var host = builder.Build();
await host.RunAsync();

using System.CommandLine;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Torsion.Hosting.Tests.Support;
using Torsion.Internet;
using Torsion.Plugins;
using Torsion.Services;

namespace Torsion.Hosting.Tests;

/// <summary>A torsiond plugin's service added to a host, by type or by name, with its command-line options.</summary>
public sealed class PluginTests
{
    /// <summary>Greets each client with a line and closes: <c>torsiond greet --port DESC --greeting TEXT</c>.</summary>
    public sealed class GreetPlugin : IServiceMaker
    {
        private readonly Option<string> _port = new("--port") { Required = true, Description = "Server endpoint description." };
        private readonly Option<string> _greeting = new("--greeting") { DefaultValueFactory = _ => "hello" };

        public string Name => "greet";

        public string Description => "Greets each client.";

        public void ConfigureOptions(Command command)
        {
            command.Options.Add(_port);
            command.Options.Add(_greeting);
        }

        public IService MakeService(ParseResult options, IReactor reactor)
        {
            var greeting = options.GetValue(_greeting)!;
            if (greeting.Length == 0)
            {
                throw new PluginOptionsException("--greeting must not be empty");
            }
            var service = Strports.Service(reactor, options.GetValue(_port)!, Factory.ForProtocol(() => new Greeter(greeting)));
            service.Name = "greeter";
            return service;
        }
    }

    private sealed class Greeter(string greeting) : Protocol
    {
        public override void ConnectionMade()
        {
            Transport.Write(Encoding.UTF8.GetBytes(greeting + "\n"));
            Transport.LoseConnection();
        }
    }

    private static async Task<string> GreetingFrom(TorsionHostedService hosted)
    {
        var greeter = (StreamServerEndpointService)((MultiService)hosted.Application).Services
            .OfType<StreamServerEndpointService>().Single();
        using var client = await Wire.ConnectAsync((System.Net.IPEndPoint)greeter.Port!.GetHost());
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        return await reader.ReadToEndAsync(TestHosts.Timeout());
    }

    [Fact]
    public async Task APluginTypeRunsWithItsOptions()
    {
        var builder = TestHosts.Builder("epoll", new MemoryLoggerProvider());
        builder.Services.AddTorsionPlugin<GreetPlugin>("--port", "tcp:0:interface=127.0.0.1", "--greeting", "good morning");
        using var host = builder.Build();
        await host.StartAsync(TestHosts.Timeout());
        var hosted = host.Services.GetRequiredService<TorsionHostedService>();
        Assert.Equal("good morning\n", await GreetingFrom(hosted));
        Assert.IsType<StreamServerEndpointService>(hosted.Application.GetServiceNamed("greeter"));
        await host.StopAsync(TestHosts.Timeout());
    }

    [Fact]
    public async Task APluginIsFoundByNameAmongTheRegisteredOnes()
    {
        var builder = TestHosts.Builder("poll", new MemoryLoggerProvider());
        builder.Services.AddTorsionPluginType<GreetPlugin>();
        builder.Services.AddTorsionPlugin("greet", "--port", "tcp:0:interface=127.0.0.1");
        using var host = builder.Build();
        await host.StartAsync(TestHosts.Timeout());
        Assert.Equal("hello\n", await GreetingFrom(host.Services.GetRequiredService<TorsionHostedService>()));
        await host.StopAsync(TestHosts.Timeout());
    }

    [Theory]
    [InlineData(new[] { "--greeting", "hi" }, "--port")]
    [InlineData(new[] { "--port", "tcp:0", "--greeting", "" }, "--greeting must not be empty")]
    [InlineData(new[] { "--port", "tcp:0", "--help" }, "ask for help")]
    public async Task BadOptionsFailTheStart(string[] arguments, string expected)
    {
        var builder = TestHosts.Builder("epoll", new MemoryLoggerProvider());
        builder.Services.AddTorsionPlugin<GreetPlugin>(arguments);
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<PluginOptionsException>(() => host.StartAsync(TestHosts.Timeout()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        await host.Services.GetRequiredService<TorsionHostedService>().Completion.WaitAsync(Wire.Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnUnknownPluginNameFailsTheStartNamingTheRegisteredOnes()
    {
        var builder = TestHosts.Builder("epoll", new MemoryLoggerProvider());
        builder.Services.AddTorsionPluginType<GreetPlugin>();
        builder.Services.AddTorsionPlugin("web", "--port", "tcp:0");
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<PluginOptionsException>(() => host.StartAsync(TestHosts.Timeout()));
        Assert.Contains("'web'", error.Message, StringComparison.Ordinal);
        Assert.Contains("greet", error.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<StreamServerEndpointService> Listeners(IService service) =>
        service is Torsion.Services.IServiceCollection collection
            ? collection.Services.SelectMany(Listeners)
            : service is StreamServerEndpointService listening ? [listening] : [];

    [Fact]
    public async Task TorsiondsWebPluginServesFilesFromAHost()
    {
        var dir = Directory.CreateTempSubdirectory("torsion-hosted-web-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "hello.txt"), "served by the web plugin", TestContext.Current.CancellationToken);
            var builder = TestHosts.Builder("epoll", new MemoryLoggerProvider());
            builder.Services.AddTorsionPluginType<Torsion.Web.Tap.WebServiceMaker>();
            builder.Services.AddTorsionPlugin("web", "--listen", "tcp:0:interface=127.0.0.1", "--path", dir);
            using var host = builder.Build();
            await host.StartAsync(TestHosts.Timeout());
            var hosted = host.Services.GetRequiredService<TorsionHostedService>();
            var address = (System.Net.IPEndPoint)Listeners(hosted.Application).Single().Port!.GetHost();
            using (var http = new HttpClient { Timeout = Wire.Patience })
            {
                var body = await http.GetStringAsync($"http://127.0.0.1:{address.Port}/hello.txt", TestContext.Current.CancellationToken);
                Assert.Equal("served by the web plugin", body);
            }
            await host.StopAsync(TestHosts.Timeout());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

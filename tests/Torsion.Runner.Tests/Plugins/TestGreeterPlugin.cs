using System.CommandLine;
using Torsion.Services;
using Torsion.Internet;
using Torsion.Plugins;
using Torsion.Runner.Plugins;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>A built-in test plugin: a service named by its <c>--greeting</c> option.</summary>
public sealed class TestGreeterPlugin : IServiceMaker
{
    public const string PluginName = "test-greeter";

    private readonly Option<string> _greeting = new("--greeting") { Description = "The service's name.", DefaultValueFactory = _ => "hello" };

    public string Name => PluginName;

    public string Description => "A test plugin that greets.";

    public void ConfigureOptions(Command command) => command.Options.Add(_greeting);

    public IService MakeService(ParseResult options, IReactor reactor) => new Service { Name = options.GetValue(_greeting) };
}

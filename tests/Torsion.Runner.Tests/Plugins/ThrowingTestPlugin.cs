using System.CommandLine;
using Torsion.Services;
using Torsion.Internet;
using Torsion.Plugins;
using Torsion.Runner.Plugins;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>A plugin whose constructor throws: discovery must warn about it and carry on.</summary>
public sealed class ThrowingTestPlugin : IServiceMaker
{
    public const string Message = "this plugin is broken on purpose";

    public ThrowingTestPlugin() => throw new InvalidOperationException(Message);

    public string Name => "test-throwing";

    public string Description => "";

    public void ConfigureOptions(Command command) { }

    public IService MakeService(ParseResult options, IReactor reactor) => new Service();
}

using System.CommandLine;
using Torsion.Services;
using Torsion.Internet;
using Torsion.Plugins;
using Torsion.Runner.Plugins;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>Not a plugin, passed over silently by discovery: it is abstract.</summary>
public abstract class AbstractTestPlugin : IServiceMaker
{
    public string Name => "test-abstract";

    public string Description => "";

    public void ConfigureOptions(Command command) { }

    public IService MakeService(ParseResult options, IReactor reactor) => new Service();
}

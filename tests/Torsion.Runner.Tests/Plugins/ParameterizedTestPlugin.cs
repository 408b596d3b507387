using System.CommandLine;
using Torsion.Services;
using Torsion.Internet;
using Torsion.Plugins;
using Torsion.Runner.Plugins;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>Not a plugin, passed over silently by discovery: it has no parameterless constructor.</summary>
public sealed class ParameterizedTestPlugin(string name) : IServiceMaker
{
    public string Name => name;

    public string Description => "";

    public void ConfigureOptions(Command command) { }

    public IService MakeService(ParseResult options, IReactor reactor) => new Service();
}

namespace Torsion.Runner.Tests.Plugins;

/// <summary>
/// Tests that measure the whole process (allocated bytes, the global log) run alone: xunit runs a
/// collection with parallelization disabled after the others, with nothing beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedPluginTests
{
    public const string Name = "Plugins (isolated)";
}

using Torsion.Services;
using Torsion.Internet;
using Torsion.Runner.Persistence;

namespace Torsion.Runner.Sources;

/// <summary>Where the service tree comes from: a script or assembly (-y), a plugin, or a saved tap file (-f).</summary>
internal interface IApplicationSource
{
    /// <summary>What the user asked for, for log lines ("examples/reverser.csx", "plugin poetry").</summary>
    string Description { get; }

    /// <summary>Builds the tree on <paramref name="reactor"/>; a user's mistake is a <see cref="Daemon.RunnerException"/> with a message fit for a terminal.</summary>
    IService Build(IReactor reactor);

    /// <summary>The state to save at shutdown for <paramref name="application"/>, or null when this kind of application is not saved.</summary>
    TapDocument? Snapshot(IService application);
}

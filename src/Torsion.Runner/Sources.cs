using Torsion.Runner.Cli;
using Torsion.Runner.Daemon;

namespace Torsion.Runner;

/// <summary>Picks the <see cref="IApplicationSource"/> for a command line.</summary>
internal static class Sources
{
    /// <summary>The source <paramref name="options"/> ask for.</summary>
    public static IApplicationSource For(RunnerOptions options) =>
        throw new RunnerException("not wired yet: " + (options.ApplicationFile ?? options.TapFile ?? options.PluginName));
}

using System.CommandLine;
using Torsion.Services;
using Torsion.Internet;
using Torsion.Plugins;

namespace Torsion.Runner.Plugins;

/// <summary>
/// Turns a plugin into a System.CommandLine command and its argument list into a service: the glue
/// between <see cref="IServiceMaker"/> and the runner's command line (and a saved .tap, which
/// records a plugin's name and its raw arguments).
/// </summary>
internal static class PluginCommand
{
    /// <summary>
    /// A command named <see cref="IServiceMaker.Name"/>, described by <see cref="IServiceMaker.Description"/>,
    /// with the options <see cref="IServiceMaker.ConfigureOptions"/> adds: add it to torsiond's root
    /// command as a subcommand so <c>torsiond --help</c> lists it and <c>torsiond NAME --help</c> shows its options.
    /// Each call builds a new command.
    /// </summary>
    public static Command Build(IServiceMaker plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var command = new Command(plugin.Name, plugin.Description);
        plugin.ConfigureOptions(command);
        return command;
    }

    /// <summary>
    /// Parses <paramref name="args"/>, the plugin's own arguments (what follows <c>NAME</c> on the
    /// command line, or what a .tap file recorded), as <c>torsiond NAME args...</c>.
    /// </summary>
    /// <returns>
    /// The parse: print its <see cref="ParseResult.Errors"/> if there are any (exit code 2); if the
    /// arguments ask for help its <see cref="ParseResult.Action"/> is set (invoke it to print the
    /// plugin's usage); otherwise pass it to <see cref="IServiceMaker.MakeService"/>.
    /// </returns>
    /// <remarks>
    /// The plugin's command is parsed as a subcommand of a root command, not as the root: a root
    /// command would take a first argument equal to its own name as that name and drop it.
    /// </remarks>
    public static ParseResult Parse(IServiceMaker plugin, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand($"torsiond {plugin.Name}") { Build(plugin) };
        // twistd's spellings, as on torsiond's own command line ("--opt=" for an empty value, unique prefixes).
        var normalized = Cli.GetoptSpellings.Normalize([plugin.Name, .. args], root, out var error);
        return error is null ? root.Parse(normalized) : root.Parse([plugin.Name, .. args]);
    }

    /// <summary>
    /// Parses <paramref name="args"/> and builds the plugin's service: the whole of <c>torsiond NAME
    /// args...</c> short of starting it, for callers that have no terminal to print help to (replaying
    /// a .tap, tests).
    /// </summary>
    /// <exception cref="PluginOptionsException">
    /// The arguments do not parse (the message lists every error, one per line), ask for help or the
    /// version instead of a service, or the plugin rejected them.
    /// </exception>
    public static IService MakeService(IServiceMaker plugin, IReadOnlyList<string> args, IReactor reactor)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        var result = Parse(plugin, args);
        if (result.Errors.Count > 0)
        {
            throw new PluginOptionsException(string.Join(Environment.NewLine, result.Errors.Select(e => e.Message)));
        }
        if (result.Action is not null)
        {
            throw new PluginOptionsException($"The arguments of '{plugin.Name}' ask for help or the version, not for a service: {string.Join(' ', args)}");
        }
        return plugin.MakeService(result, reactor);
    }
}

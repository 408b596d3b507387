using System.CommandLine;
using Torsion.Services;
using Torsion.Internet;

namespace Torsion.Plugins;

/// <summary>
/// One torsiond plugin: a named way to build a service tree from command-line options, run as
/// <c>torsiond [runner options] NAME [plugin options]</c> (Twisted's <c>IServiceMaker</c>, the
/// objects <c>twisted.plugins</c> exposes to <c>twistd</c>).
/// </summary>
/// <remarks>
/// <para>
/// torsiond finds a plugin as a public, non-abstract class implementing this interface with a public
/// parameterless constructor, in an assembly on <c>TORSION_PLUGIN_PATH</c> that references this
/// one (Torsion.Plugins; see docs/plugins.md). One instance is created per discovery and may be asked to
/// configure several commands (one for <c>--help</c>, one to parse), so keep the
/// <see cref="Option{T}"/> objects in readonly fields, add the same instances in
/// <see cref="ConfigureOptions"/>, and read them back in <see cref="MakeService"/> with
/// <see cref="ParseResult.GetValue{T}(Option{T})"/>.
/// </para>
/// <para>
/// The runner builds the service before it daemonizes, changes directory or drops privileges, so
/// relative paths in options mean the directory torsiond was started in, and a problem found here
/// reaches the user's terminal.
/// </para>
/// </remarks>
public interface IServiceMaker
{
    /// <summary>
    /// The subcommand that selects this plugin (<c>torsiond NAME ...</c>): one word, not starting
    /// with '-', unique among plugins. Compared case-sensitively, like twistd's <c>tapname</c>.
    /// </summary>
    string Name { get; }

    /// <summary>One line describing the plugin, shown in the command list of <c>torsiond --help</c>.</summary>
    string Description { get; }

    /// <summary>
    /// Adds the plugin's options, arguments and validators to <paramref name="command"/> (a
    /// System.CommandLine command already named <see cref="Name"/>). Syntax errors found by the
    /// parser or a validator are reported by the runner with exit code 2 before anything starts.
    /// </summary>
    void ConfigureOptions(Command command);

    /// <summary>
    /// Builds the service tree from a parse of the command <see cref="ConfigureOptions"/> configured;
    /// <paramref name="options"/> has no errors. Nothing should listen or connect yet: the runner
    /// starts the returned service (ports bind in <see cref="IService.PrivilegedStartService"/>).
    /// </summary>
    /// <param name="options">The parse of the plugin's arguments.</param>
    /// <param name="reactor">The reactor the service will run on (for endpoints and timers).</param>
    /// <exception cref="PluginOptionsException">
    /// The options parse but make no sense (a missing file, a bad endpoint description): the runner
    /// prints the message and exits with code 2.
    /// </exception>
    IService MakeService(ParseResult options, IReactor reactor);
}

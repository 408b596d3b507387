using Torsion.Internet;

namespace Torsion.Runner.Scripting;

/// <summary>
/// What a <c>.csx</c> application script sees as globals: its members are in scope at the top
/// level of the script, so the script writes <c>Reactor</c> rather than <c>Globals.Reactor</c>.
/// </summary>
/// <remarks>
/// Classes declared inside a script are nested in the script's submission class and cannot see
/// these members; pass <see cref="Reactor"/> to their constructors (or use <see cref="Reactors.Current"/>,
/// which torsiond sets to the same reactor).
/// </remarks>
public sealed class ScriptGlobals
{
    /// <summary>Creates the globals for a script loaded from <paramref name="scriptPath"/> to run on <paramref name="reactor"/>.</summary>
    internal ScriptGlobals(IReactor reactor, string scriptPath)
    {
        Reactor = reactor ?? throw new ArgumentNullException(nameof(reactor));
        ScriptPath = scriptPath ?? throw new ArgumentNullException(nameof(scriptPath));
    }

    /// <summary>The reactor the application will run on (the one torsiond installed).</summary>
    public IReactor Reactor { get; }

    /// <summary>The script's full path, for finding files that live beside it.</summary>
    public string ScriptPath { get; }
}

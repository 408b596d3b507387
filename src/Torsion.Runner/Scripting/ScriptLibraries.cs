namespace Torsion.Runner.Scripting;

/// <summary>
/// The libraries beyond the framework and Torsion's core that torsiond carries for its scripts: a script
/// compiles against them with no <c>#r</c>, so <c>using Torsion.Enterprise;</c>, <c>using Microsoft.Data.Sqlite;</c>
/// and <c>using Npgsql;</c> just work (Twisted's <c>twisted.enterprise</c> is importable from any .tac too).
/// </summary>
/// <remarks>
/// They are found by name in the runner's trusted platform assemblies (its deps.json), so nothing here
/// loads them: a script that does not use them costs nothing, and a cached start never reads them. The
/// providers' own dependencies (SQLitePCLRaw and its native e_sqlite3, Npgsql's logging abstractions) are
/// resolved by the default load context from the same deps.json when a script first touches them.
/// </remarks>
internal static class ScriptLibraries
{
    /// <summary>Assembly names, in a stable order (they go into the script cache key).</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "Torsion.Enterprise",
        "Microsoft.Data.Sqlite",
        "Npgsql",
    ];

    /// <summary>
    /// The ones that must be torsiond's very copy in every application's load context: Torsion.Enterprise
    /// hands Torsion's own types (Deferred, IReactor) across. The providers are not forced: an application
    /// <c>.dll</c> may carry another version of its provider, and a script without <c>#r</c> falls back to
    /// torsiond's anyway.
    /// </summary>
    public static readonly IReadOnlyList<string> SharedNames = ["Torsion.Enterprise"];

    private static readonly Lazy<IReadOnlyList<string>> AllPaths = new(Find);

    /// <summary>Full paths of <see cref="Names"/> that torsiond was built with (a trimmed build may lack some).</summary>
    public static IReadOnlyList<string> Paths => AllPaths.Value;

    /// <summary>The path of assembly <paramref name="name"/> among the runner's trusted platform assemblies, or null.</summary>
    public static string? PathOf(string name)
    {
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        var file = name + ".dll";
        return tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(p => string.Equals(Path.GetFileName(p), file, StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> Find() => [.. Names.Select(PathOf).OfType<string>()];
}

namespace Torsion.Runner.Scripting;

/// <summary>The managed assemblies of the shared framework torsiond runs on.</summary>
internal static class FrameworkAssemblies
{
    private static readonly Lazy<IReadOnlyList<string>> AllPaths = new(Find);

    /// <summary>Full paths of the framework's assemblies (System.*, Microsoft.* of Microsoft.NETCore.App), in a stable order.</summary>
    public static IReadOnlyList<string> Paths => AllPaths.Value;

    private static IReadOnlyList<string> Find()
    {
        // The trusted platform assemblies are exactly what the runtime will load, so a script is
        // compiled against the same implementation assemblies it later runs on. The list also holds
        // the application's own assemblies (Roslyn, System.CommandLine, test frameworks); only those
        // beside System.Private.CoreLib belong to the framework.
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        var paths = tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => frameworkDirectory is null || string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return paths.Length > 0 ? paths : [typeof(object).Assembly.Location];
    }
}

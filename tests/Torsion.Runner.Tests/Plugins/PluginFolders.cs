namespace Torsion.Runner.Tests.Plugins;

/// <summary>Where the poetry plugin's build output is, and scratch plugin folders made from it.</summary>
internal static class PluginFolders
{
    /// <summary>plugins/poetry/ under the test output: the test project copies the plugin's own build output there.</summary>
    public static string Poetry
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "plugins", "poetry");
            Assert.True(File.Exists(Path.Combine(dir, "PoetryPlugin.dll")), $"The poetry plugin's build output was not copied to {dir} (see the CopyPoetryPluginFolder target).");
            return dir;
        }
    }

    public static string PoetryDll => Path.Combine(Poetry, "PoetryPlugin.dll");

    /// <summary>A sample poem shipped with the plugin.</summary>
    public static string Poem(string name) => Path.Combine(Poetry, "poems", name);

    /// <summary>Copies the plugin (dll and .deps.json) into <paramref name="directory"/>.</summary>
    public static void CopyPoetryTo(string directory)
    {
        foreach (var file in new[] { "PoetryPlugin.dll", "PoetryPlugin.deps.json" })
        {
            File.Copy(Path.Combine(Poetry, file), Path.Combine(directory, file), overwrite: true);
        }
    }
}

using System.Text;

namespace Torsion.Runner.Scripting;

/// <summary>
/// A directory of compiled scripts: <c>KEY.dll</c> is the assembly and <c>KEY.deps</c> lists the
/// <c>#load</c>ed and <c>#r</c> files it was compiled from, with their hashes.
/// </summary>
/// <remarks>
/// Both files are written to a temporary name and renamed into place, the manifest first: a reader
/// that finds <c>KEY.dll</c> therefore finds a complete manifest beside it, and two processes compiling
/// the same script at once just replace one another's identical entry. A process that has already
/// mapped an entry keeps its copy (a rename never changes an open file).
/// <para>
/// Every script edit makes a new entry, so the cache prunes itself: a hit marks its manifest as used
/// (its modification time), and each store, which follows a compilation and is rare, deletes the
/// entries unused for <see cref="MaxAge"/> and temporary files a crash left behind. Only names this
/// cache writes (64 hex digits) are touched; anything else in a user-chosen directory stays.
/// </para>
/// </remarks>
internal sealed class ScriptCache
{
    private const string ManifestHeader = "torsiond-script-deps 1";

    /// <summary>How long an entry is kept after its last use.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);

    /// <summary>A temporary file older than this was left by a process that died mid-write.</summary>
    private static readonly TimeSpan StaleTemporary = TimeSpan.FromHours(1);

    private ScriptCache(string directory) => Directory = directory;

    /// <summary>The cache directory.</summary>
    public string Directory { get; }

    /// <summary>
    /// The cache directory torsiond uses by default: <c>$TORSION_CACHE_DIR</c> if set, else
    /// <c>$XDG_CACHE_HOME/torsiond</c>, else <c>~/.cache/torsiond</c>; <see langword="null"/> when
    /// there is no home directory either.
    /// </summary>
    public static string? DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("TORSION_CACHE_DIR") is { Length: > 0 } explicitDirectory)
        {
            return Path.GetFullPath(explicitDirectory);
        }
        // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "torsiond");
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 0 ? Path.Combine(home, ".cache", "torsiond") : null;
    }

    /// <summary>
    /// Opens (creating it with mode 0700 if needed) the cache in <paramref name="directory"/>;
    /// <see langword="null"/> if it cannot be created, or if it exists and group or others may write to it.
    /// </summary>
    public static ScriptCache? Open(string? directory)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return null;
        }
        try
        {
            directory = Path.GetFullPath(directory);
            if (OperatingSystem.IsWindows())
            {
                System.IO.Directory.CreateDirectory(directory);
            }
            else
            {
                // Compiled code is run from here: nobody else may put an assembly in it.
                System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                // An existing directory others can write to (a shared /tmp path, say) would let them
                // plant an assembly under a future key, run by torsiond, perhaps as root: not used.
                if ((File.GetUnixFileMode(directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                {
                    return null;
                }
            }
            return new ScriptCache(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The cached assembly and its dependencies for <paramref name="key"/>, or <see langword="null"/> when absent or out of date.</summary>
    public (string AssemblyPath, IReadOnlyList<ScriptDependency> Dependencies)? TryGet(string key)
    {
        var assemblyPath = AssemblyPath(key);
        if (!File.Exists(assemblyPath))
        {
            return null;
        }
        var manifestPath = ManifestPath(key);
        var dependencies = ReadManifest(manifestPath);
        if (dependencies is null || !dependencies.All(d => d.IsUnchanged()))
        {
            return null;
        }
        MarkUsed(manifestPath);
        return (assemblyPath, dependencies);
    }

    /// <summary>Stores <paramref name="script"/> under <paramref name="key"/>; returns the assembly's path, or <see langword="null"/> if the cache is not writable.</summary>
    public string? TryStore(string key, CompiledScript script)
    {
        // A path with a line break cannot be written in the line-based manifest; such a script is
        // simply not cached.
        if (script.Dependencies.Any(d => d.Path.Contains('\n', StringComparison.Ordinal)))
        {
            return null;
        }
        var manifest = new StringBuilder().Append(ManifestHeader).Append('\n');
        foreach (var d in script.Dependencies)
        {
            manifest.Append(d.IsReference ? "ref " : "load ").Append(d.Sha256).Append(' ').Append(d.Path).Append('\n');
        }
        try
        {
            WriteAtomically(ManifestPath(key), Encoding.UTF8.GetBytes(manifest.ToString()));
            var assemblyPath = AssemblyPath(key);
            WriteAtomically(assemblyPath, script.Image);
            Prune(DateTime.UtcNow);
            return assemblyPath;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes entries whose manifest was last used before <paramref name="now"/> minus <see cref="MaxAge"/>
    /// (and a lone assembly or manifest as old), and temporary files older than an hour. Best effort:
    /// a file another process is replacing or has just deleted is skipped.
    /// </summary>
    internal void Prune(DateTime now)
    {
        string[] files;
        try
        {
            files = System.IO.Directory.GetFiles(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var key = name.Split('.')[0];
            if (!IsKey(key))
            {
                continue;
            }
            try
            {
                if (name.EndsWith(".tmp", StringComparison.Ordinal))
                {
                    if (now - File.GetLastWriteTimeUtc(file) > StaleTemporary)
                    {
                        TryDelete(file);
                    }
                    continue;
                }
                if (name != key + ".deps" && name != key + ".dll")
                {
                    continue;
                }
                // An entry's age is its manifest's (touched on every hit); a file without one ages by itself.
                var manifest = ManifestPath(key);
                var lastUsed = File.Exists(manifest) ? File.GetLastWriteTimeUtc(manifest) : File.GetLastWriteTimeUtc(file);
                if (now - lastUsed > MaxAge)
                {
                    TryDelete(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone or replaced meanwhile by another torsiond: nothing to prune.
            }
        }
    }

    private static bool IsKey(string name) => name.Length == 64 && name.All(char.IsAsciiHexDigit);

    private static void MarkUsed(string manifestPath)
    {
        try
        {
            File.SetLastWriteTimeUtc(manifestPath, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still serves; its entries just age by their creation.
        }
    }

    private string AssemblyPath(string key) => Path.Combine(Directory, key + ".dll");

    private string ManifestPath(string key) => Path.Combine(Directory, key + ".deps");

    private void WriteAtomically(string path, byte[] contents)
    {
        var temporary = Path.Combine(Directory, $"{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(contents);
                // On disk before the rename publishes it, so a crash cannot leave a truncated entry under the final name.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a stray temporary file is left behind.
        }
    }

    private static List<ScriptDependency>? ReadManifest(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (lines.Length == 0 || lines[0] != ManifestHeader)
        {
            return null;
        }
        var dependencies = new List<ScriptDependency>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            // "ref|load SHA256 PATH": the path is last because it may contain spaces.
            var parts = line.Split(' ', 3);
            if (parts.Length != 3 || parts[0] is not ("ref" or "load"))
            {
                return null;
            }
            dependencies.Add(new ScriptDependency(parts[0] == "ref", parts[2], parts[1]));
        }
        return dependencies;
    }
}

using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Torsion.Services;
using Torsion.Internet;

namespace Torsion.Runner.Scripting;

/// <summary>
/// Loads the application torsiond runs (twistd's <c>-y</c>): from a C# script, compiled once and
/// cached, or from a prebuilt assembly.
/// </summary>
internal static class ApplicationLoader
{
    /// <summary>
    /// The cache directory used when <see cref="Load"/> is given none: <c>$TORSION_CACHE_DIR</c> if
    /// set, else <c>$XDG_CACHE_HOME/torsiond</c>, else <c>~/.cache/torsiond</c>;
    /// <see langword="null"/> when none of them can be determined (then nothing is cached).
    /// </summary>
    public static string? DefaultCacheDirectory => ScriptCache.DefaultDirectory();

    /// <summary>Loads the application defined by the file at <paramref name="path"/>; it is returned unstarted.</summary>
    /// <param name="path">
    /// <para>
    /// A file whose name ends in <c>.dll</c> is loaded as an assembly, into a load context of its own
    /// that shares Torsion, torsiond and the framework with torsiond (its other dependencies are found
    /// through its deps.json or beside it). Exactly one public type must offer the application as one
    /// of: a public static property or field named <c>Application</c> or <c>application</c> whose type
    /// is <see cref="IService"/> (or implements it); or a public static method <c>CreateApplication()</c>
    /// returning an <see cref="IService"/>, or <c>CreateApplication(IReactor)</c>, which is passed
    /// <paramref name="reactor"/>. None or more than one is an error.
    /// </para>
    /// <para>
    /// Any other file is a C# script (<c>.csx</c>), with Roslyn's scripting semantics: top-level
    /// statements, types and methods declared in the script, <c>#r "lib.dll"</c> and
    /// <c>#load "other.csx"</c> (relative to the script). It must declare a top-level variable
    /// <c>application</c> holding an <see cref="IService"/>. It sees <paramref name="reactor"/> as the
    /// global <c>Reactor</c> (see <see cref="ScriptGlobals"/>), references the framework, Torsion and
    /// torsiond, and imports System, System.Collections.Generic, System.IO, System.Linq, System.Net,
    /// System.Text, System.Threading, System.Threading.Tasks, Torsion.Services, Torsion.Defer,
    /// Torsion, Torsion.Internet, Torsion.Logging and Torsion.Protocols. Top-level
    /// code runs on the caller's thread with no synchronization context, so it must not wait for
    /// anything only the (not yet running) reactor would complete.
    /// </para>
    /// </param>
    /// <param name="reactor">The reactor the application will run on; torsiond has installed it, so it is also <see cref="Reactors.Current"/>.</param>
    /// <param name="cacheDirectory">
    /// Where compiled scripts are kept (created with mode 0700); <see langword="null"/> for
    /// <see cref="DefaultCacheDirectory"/>, an empty string to compile in memory and cache nothing. An existing directory that group or others may write to
    /// is not used (anyone who can write there could have torsiond run their code). A script is cached under a SHA-256 of its text, its full
    /// path, the runtime and the builds of Roslyn, Torsion and torsiond; its <c>#load</c> and
    /// <c>#r</c> files are checked against the hashes recorded beside it. On a hit the compiler is
    /// not run at all. When the directory cannot be created or written the script is compiled in
    /// memory and nothing is cached.
    /// </param>
    /// <exception cref="ApplicationLoadException">
    /// The file is missing or unreadable, a script does not compile (the message lists
    /// <c>path(line,col): error CSxxxx: message</c> lines) or throws, or no application (or one that
    /// is not an <see cref="IService"/>) is defined. The message is meant to be shown as it is.
    /// </exception>
    public static LoadedApplication Load(string path, IReactor reactor, string? cacheDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(reactor);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new ApplicationLoadException($"{path} is a directory, not a .csx script or a .dll.");
        }
        if (!File.Exists(fullPath))
        {
            throw new ApplicationLoadException($"{path}: no such file (looked for {fullPath}).");
        }
        return fullPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? LoadAssembly(path, fullPath, reactor)
            : LoadScript(path, fullPath, reactor, cacheDirectory ?? DefaultCacheDirectory);
    }

    private static LoadedApplication LoadScript(string path, string fullPath, IReactor reactor, string? cacheDirectory)
    {
        var bytes = Read(path, fullPath);
        var globals = new ScriptGlobals(reactor, fullPath);
        var cache = ScriptCache.Open(cacheDirectory);
        var key = ScriptCacheKey.Compute(fullPath, bytes);

        if (cache?.TryGet(key) is var (cachedPath, dependencies))
        {
            var factory = TryLoadCached(cachedPath, dependencies);
            // An entry that cannot be loaded (damaged, or not a script) is compiled again and replaced.
            if (factory is not null)
            {
                return new LoadedApplication(ScriptRunner.Run(factory, globals, path), path, factory.Module.Assembly, fromCache: true, cachedPath);
            }
        }

        var compiled = ScriptCompiler.Compile(fullPath, path, Decode(bytes));
        var storedPath = cache?.TryStore(key, compiled);
        using var image = new MemoryStream(compiled.Image);
        var assembly = ScriptContext(compiled.Dependencies).LoadFromStream(image);
        var entry = ScriptRunner.FindFactory(assembly)
            ?? throw new InvalidOperationException("The compiled script has no Submission#0.<Factory> method.");
        return new LoadedApplication(ScriptRunner.Run(entry, globals, path), path, assembly, fromCache: false, storedPath);
    }

    // Script assemblies are loaded from memory, never mapped from the cache: the runtime may hand
    // back the image it already mapped for a path, so an entry replaced under the same name was seen
    // served stale within one process (a test caught it), and on Windows a mapped file could not be
    // replaced by another process at all.
    private static MethodInfo? TryLoadCached(string assemblyPath, IReadOnlyList<ScriptDependency> dependencies)
    {
        try
        {
            using var image = new MemoryStream(File.ReadAllBytes(assemblyPath));
            return ScriptRunner.FindFactory(ScriptContext(dependencies).LoadFromStream(image));
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A load context for a script that finds its <c>#r</c> assemblies, and their neighbours, where they were when it was compiled.</summary>
    private static ApplicationLoadContext ScriptContext(IReadOnlyList<ScriptDependency> dependencies)
    {
        var references = dependencies.Where(d => d.IsReference).Select(d => d.Path).ToArray();
        return new ApplicationLoadContext("torsiond script", name =>
            references.FirstOrDefault(r => string.Equals(Path.GetFileNameWithoutExtension(r), name.Name, StringComparison.OrdinalIgnoreCase))
            ?? references.Select(r => Path.Combine(Path.GetDirectoryName(r)!, name.Name + ".dll")).FirstOrDefault(File.Exists));
    }

    private static LoadedApplication LoadAssembly(string path, string fullPath, IReactor reactor)
    {
        AssemblyDependencyResolver? resolver = null;
        try
        {
            resolver = new AssemblyDependencyResolver(fullPath);
        }
        catch (InvalidOperationException)
        {
            // The host cannot read the component's deps.json; probing its directory still works.
        }
        var directory = Path.GetDirectoryName(fullPath)!;
        var context = new ApplicationLoadContext(
            $"torsiond {Path.GetFileName(fullPath)}",
            name => resolver?.ResolveAssemblyToPath(name) ?? Existing(Path.Combine(directory, name.Name + ".dll")),
            name => resolver?.ResolveUnmanagedDllToPath(name));
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(fullPath);
        }
        catch (BadImageFormatException e)
        {
            throw new ApplicationLoadException($"{path} is not a .NET assembly: {e.Message}", e);
        }
        catch (Exception e) when (e is FileLoadException or IOException or UnauthorizedAccessException)
        {
            throw new ApplicationLoadException($"{path}: cannot load it: {e.Message}", e);
        }
        return new LoadedApplication(AssemblyApplicationFinder.Find(assembly, reactor, path), path, assembly, fromCache: false, cacheFile: null);
    }

    private static string? Existing(string path) => File.Exists(path) ? path : null;

    private static byte[] Read(string path, string fullPath)
    {
        try
        {
            return File.ReadAllBytes(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ApplicationLoadException($"{path}: cannot read it: {e.Message}", e);
        }
    }

    /// <summary>The script's text: UTF-8 unless a byte order mark says otherwise, as the C# compiler reads source files.</summary>
    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

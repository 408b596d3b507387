using System.Reflection;
using Torsion.Services;

namespace Torsion.Runner.Scripting;

/// <summary>An application loaded by <see cref="ApplicationLoader.Load"/>: the service tree to start, and where it came from.</summary>
internal sealed class LoadedApplication
{
    internal LoadedApplication(IService application, string path, Assembly assembly, bool fromCache, string? cacheFile)
    {
        Application = application;
        Path = path;
        Assembly = assembly;
        FromCache = fromCache;
        CacheFile = cacheFile;
    }

    /// <summary>The root service the script or assembly defined; not yet started.</summary>
    public IService Application { get; }

    /// <summary>The path as it was given to <see cref="ApplicationLoader.Load"/>.</summary>
    public string Path { get; }

    /// <summary>The assembly the application came from: the compiled script or the loaded <c>.dll</c>.</summary>
    public Assembly Assembly { get; }

    /// <summary>True when a script's compiled assembly was found in the cache, so the compiler did not run; always false for a <c>.dll</c>.</summary>
    public bool FromCache { get; }

    /// <summary>The cached assembly a script was loaded from or saved to; <see langword="null"/> for a <c>.dll</c> or when the cache could not be written.</summary>
    public string? CacheFile { get; }
}

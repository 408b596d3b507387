using System.Text.Json;
using Torsion.Services;
using Torsion.Runner.Daemon;

namespace Torsion.Runner.Persistence;

/// <summary>Reads and writes <see cref="TapDocument"/>s; writes are atomic (a temporary file, then rename), so a crash never leaves half a file.</summary>
internal static class TapFile
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>The file name an application named <paramref name="name"/> is saved under.</summary>
    public static string FileNameFor(string name) => $"{name}-shutdown.tap";

    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/>.</summary>
    public static void Save(TapDocument document, string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(document, s_json) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads <paramref name="path"/>, refusing anything that is not a tap file of a version this build knows.</summary>
    public static TapDocument Load(string path)
    {
        TapDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<TapDocument>(File.ReadAllText(path), s_json);
        }
        catch (JsonException e)
        {
            throw new RunnerException($"{path} is not a tap file: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new RunnerException($"cannot read {path}: {e.Message}", e);
        }
        if (document is null || document.Format != TapDocument.FormatName)
        {
            throw new RunnerException($"{path} is not a tap file (its \"format\" is not \"{TapDocument.FormatName}\").");
        }
        if (document.Version != TapDocument.CurrentVersion)
        {
            throw new RunnerException($"{path} is a version {document.Version} tap file; this torsiond reads version {TapDocument.CurrentVersion}.");
        }
        if (string.IsNullOrEmpty(document.Plugin))
        {
            throw new RunnerException($"{path} names no plugin.");
        }
        return document;
    }

    /// <summary>The tree under <paramref name="root"/>, one "name (Type)" per service, depth-first.</summary>
    public static List<string> Describe(IService root)
    {
        var list = new List<string>();
        Walk(root, 0);
        return list;

        void Walk(IService service, int depth)
        {
            list.Add($"{new string(' ', depth * 2)}{service.Name ?? "(unnamed)"} ({service.GetType().Name})");
            if (service is IServiceCollection collection)
            {
                foreach (var child in collection.Services)
                {
                    Walk(child, depth + 1);
                }
            }
        }
    }
}

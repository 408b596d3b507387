namespace Torsion.Runner.Tests.Scripting;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("torsiond-test-").FullName;
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="contents"/> to <paramref name="name"/> in this directory and returns its full path.</summary>
    public string Write(string name, string contents)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, contents);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Text;

namespace Torsion.Web.Tests.Static;

/// <summary>
/// A scratch directory holding <c>www/</c> (the served root) and, beside it, <c>secret.txt</c> and
/// <c>outside/</c>, which no request may reach; deleted on dispose.
/// </summary>
internal sealed class StaticTree : IDisposable
{
    public const string Secret = "TOP-SECRET-CONTENT";

    public StaticTree()
    {
        Base = Directory.CreateTempSubdirectory("static-test").FullName;
        Root = Path.Combine(Base, "www");
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Base, "secret.txt"), Secret);
        Directory.CreateDirectory(Path.Combine(Base, "outside"));
        File.WriteAllText(Path.Combine(Base, "outside", "secret.txt"), Secret);
        File.WriteAllBytes(Path.Combine(Root, "file.txt"), FileBytes);
        File.WriteAllText(Path.Combine(Root, "page.html"), "<p>hello</p>");
        File.WriteAllText(Path.Combine(Root, "style.css"), "p { color: red }");
        File.WriteAllText(Path.Combine(Root, "data.unknownext"), "??");
        Directory.CreateDirectory(Path.Combine(Root, "sub"));
        File.WriteAllText(Path.Combine(Root, "sub", "a.txt"), "in sub");
        Directory.CreateDirectory(Path.Combine(Root, "withindex"));
        File.WriteAllText(Path.Combine(Root, "withindex", "index.html"), "the index");
        File.WriteAllText(Path.Combine(Root, "withindex", "home.htm"), "the home");
        Directory.CreateDirectory(Path.Combine(Root, "list"));
        File.WriteAllText(Path.Combine(Root, "list", "<script>&.txt"), "x");
        File.WriteAllText(Path.Combine(Root, "list", "a b#c?.txt"), "y");
        Directory.CreateDirectory(Path.Combine(Root, "list", "child dir"));
    }

    /// <summary>100 bytes, each its own offset's letter, so any range is recognisable.</summary>
    public static byte[] FileBytes { get; } = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => (char)('A' + i % 26))));

    public string Base { get; }

    public string Root { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Base, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}

using System.Security.Cryptography;

namespace Torsion.Runner.Scripting;

/// <summary>
/// A file a compiled script depends on besides its own text: a <c>#load</c>ed script or a
/// <c>#r</c>eferenced assembly, with the SHA-256 of its contents when the script was compiled.
/// </summary>
/// <param name="IsReference">True for a <c>#r</c> assembly (the load context must find it at run time), false for a <c>#load</c>ed script.</param>
/// <param name="Path">The file's full path.</param>
/// <param name="Sha256">The file's SHA-256 as lowercase hex.</param>
internal sealed record ScriptDependency(bool IsReference, string Path, string Sha256)
{
    /// <summary>Describes the file at <paramref name="path"/> as it is now.</summary>
    public static ScriptDependency Of(bool isReference, string path) => new(isReference, path, HashFile(path));

    /// <summary>True when the file still exists with the same contents.</summary>
    public bool IsUnchanged()
    {
        try
        {
            return HashFile(Path) == Sha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

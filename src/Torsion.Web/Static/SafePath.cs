namespace Torsion.Web.Static;

/// <summary>The checks that keep a request path inside a <see cref="StaticFile"/>'s root.</summary>
internal static class SafePath
{
    // Linux's own limit on links followed in one lookup (ELOOP).
    private const int MaxLinks = 40;

    /// <summary>
    /// Whether a decoded path segment may name an entry of a directory: not "." or "..", no '/', '\' or
    /// NUL (a %2f, %5c or %00 decoded inside the segment), and no "%XX" left after the one decoding (a
    /// double-encoded %252e): no such name is ever taken apart again by anyone, so refusing it costs
    /// only files literally named with a percent escape.
    /// </summary>
    internal static bool IsAcceptableSegment(string segment)
    {
        if (segment is "." or "..")
        {
            return false;
        }
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c is '/' or '\\' or '\0')
            {
                return false;
            }
            if (c == '%' && i + 2 < segment.Length && IsHex(segment[i + 1]) && IsHex(segment[i + 2]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both real, absolute paths).</summary>
    internal static bool IsInside(string path, string root) =>
        path == root
        || path.StartsWith(root, StringComparison.Ordinal) && (root.EndsWith(Path.DirectorySeparatorChar) || path[root.Length] == Path.DirectorySeparatorChar);

    /// <summary>
    /// The absolute path with every symbolic link resolved (realpath(3)), or null when links loop.
    /// Components that do not exist are kept as they are.
    /// </summary>
    internal static string? RealPath(string path)
    {
        var pending = new List<string>(Path.GetFullPath(path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        var current = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        var links = 0;
        var index = 0;
        while (index < pending.Count)
        {
            var part = pending[index++];
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (IOException)
            {
                target = null;
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                return null;
            }
            // The link's own components replace it, before what remains of the path.
            pending.RemoveRange(0, index);
            pending.InsertRange(0, target.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
            index = 0;
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? "/";
            }
        }
        return current;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}

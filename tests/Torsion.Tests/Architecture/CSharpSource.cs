using System.Text;
using System.Text.RegularExpressions;

namespace Torsion.Tests.Architecture;

/// <summary>
/// Just enough reading of C# source for <see cref="DependencyRulesTests"/>: the code without comments
/// (XML docs included) and string text, the top-level types a file declares, and the names a file uses
/// as types. A scan, not a compiler: a name counts when it is a word of the code, not a member access
/// (<c>x.Name</c>) and not a member the same file declares under that name (a method <c>TcpClient(...)</c>
/// is not the type <c>TcpClient</c>). Namespace qualifications are dropped first, so
/// <c>Torsion.Logging.Logger</c> counts as <c>Logger</c>.
/// </summary>
internal static partial class CSharpSource
{
    private const string Keywords =
        "new|return|throw|is|as|case|await|yield|else|in|out|ref|typeof|nameof|using|goto|class|struct|interface|enum|record|namespace|when|and|or|not|const|sizeof|default|checked|unchecked";

    /// <summary>The code of <paramref name="text"/> with comments and the text of string and char literals blanked; interpolation holes are kept.</summary>
    internal static string Code(string text)
    {
        var code = new StringBuilder(text.Length);
        var end = ReadCode(text, 0, code, inHole: false);
        return end >= text.Length ? code.ToString() : throw new FormatException($"Unbalanced '}}' at {end}.");
    }

    /// <summary>The top-level types (column 0: every file uses a file-scoped namespace) that <paramref name="code"/> declares.</summary>
    internal static IEnumerable<string> DeclaredTypes(string code) =>
        TypeDeclaration().Matches(code).Select(m => m.Groups["name"].Value);

    /// <summary>True if <paramref name="code"/> declares <paramref name="type"/> as a static class.</summary>
    internal static bool IsStaticClass(string code, string type) =>
        Regex.IsMatch(code, @"^(?:\w+\s+)*static\s+(?:\w+\s+)*class\s+" + Regex.Escape(type) + @"\b", RegexOptions.Multiline);

    /// <summary>
    /// The names <paramref name="code"/> uses that may be types: words not preceded by a dot, less the
    /// members (methods, properties, fields, locals) it declares. <paramref name="namespaces"/> are
    /// stripped where they qualify a name.
    /// </summary>
    internal static HashSet<string> UsedNames(string code, IEnumerable<string> namespaces)
    {
        var qualifier = string.Join("|", namespaces.OrderByDescending(n => n.Length).Select(Regex.Escape));
        code = Regex.Replace(code, @"(?<![\w.])(?:global::)?(?:" + qualifier + @")\.(?=[A-Za-z_])", " ");
        var members = MemberDeclaration().Matches(code).Select(m => m.Groups["name"].Value).ToHashSet();
        var used = Word().Matches(code).Select(m => m.Value).ToHashSet();
        used.ExceptWith(members);
        return used;
    }

    /// <summary>The namespace a file declares (file-scoped).</summary>
    internal static string? Namespace(string text) => NamespaceLine().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    private static int ReadCode(string t, int i, StringBuilder code, bool inHole)
    {
        var depth = 0;
        while (i < t.Length)
        {
            var c = t[i];
            if (c == '/' && At(t, i + 1, '/'))
            {
                while (i < t.Length && t[i] != '\n')
                {
                    i++;
                }
                continue;
            }
            if (c == '/' && At(t, i + 1, '*'))
            {
                var close = t.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? t.Length : close + 2;
                code.Append(' ');
                continue;
            }
            if (c is '$' or '@' or '"')
            {
                var p = i;
                var interpolated = false;
                var verbatim = false;
                while (p < t.Length && t[p] is '$' or '@')
                {
                    interpolated |= t[p] == '$';
                    verbatim |= t[p] == '@';
                    p++;
                }
                if (At(t, p, '"'))
                {
                    code.Append(' ');
                    i = string.CompareOrdinal(t, p, "\"\"\"", 0, 3) == 0 ? SkipRaw(t, p) : ReadString(t, p + 1, code, interpolated, verbatim);
                    code.Append(' ');
                    continue;
                }
            }
            if (c == '\'')
            {
                i++;
                while (i < t.Length && t[i] != '\'')
                {
                    i += t[i] == '\\' ? 2 : 1;
                }
                i++;
                code.Append(' ');
                continue;
            }
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                if (inHole && depth == 0)
                {
                    return i + 1;
                }
                depth--;
            }
            code.Append(c);
            i++;
        }
        return i;
    }

    private static int ReadString(string t, int i, StringBuilder code, bool interpolated, bool verbatim)
    {
        while (i < t.Length)
        {
            var c = t[i];
            if (!verbatim && c == '\\')
            {
                i += 2;
            }
            else if (c == '"' && verbatim && At(t, i + 1, '"'))
            {
                i += 2;
            }
            else if (c == '"')
            {
                return i + 1;
            }
            else if (interpolated && (c == '{' && At(t, i + 1, '{') || c == '}' && At(t, i + 1, '}')))
            {
                i += 2;
            }
            else if (interpolated && c == '{')
            {
                code.Append(' ');
                i = ReadCode(t, i + 1, code, inHole: true);
                code.Append(' ');
            }
            else
            {
                i++;
            }
        }
        return i;
    }

    // A raw string literal is skipped whole (its interpolation holes too; src has none).
    private static int SkipRaw(string t, int i)
    {
        var quotes = 0;
        while (At(t, i + quotes, '"'))
        {
            quotes++;
        }
        var close = t.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
        return close < 0 ? t.Length : close + quotes;
    }

    private static bool At(string t, int i, char c) => i < t.Length && t[i] == c;

    [GeneratedRegex(@"^(?:(?:public|internal|private|protected|sealed|abstract|static|partial|unsafe|readonly|file|ref)\s+)*(?:(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?)\s+|delegate\s+[^;(]+?\s+)(?<name>[A-Za-z_]\w*)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    // "Type Name(" / "Type Name {" / "Type Name =>" / "Type Name =" / "Type Name;" and the like, where
    // neither word is a keyword: a member, local or parameter called Name.
    [GeneratedRegex(@"(?<![.\w])(?!(?:" + Keywords + @")\b)[A-Za-z_][\w.]*(?:<[^;{}()=]*?>)?(?:\[[,\s]*\])*\??\s+(?!(?:" + Keywords + @")\b)(?<name>[A-Za-z_]\w*)\s*(?=\(|\{|=>|=(?!=)|;|,|\))")]
    private static partial Regex MemberDeclaration();

    [GeneratedRegex(@"(?<![.\w@])[A-Za-z_]\w*")]
    private static partial Regex Word();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}

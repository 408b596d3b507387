using System.Text;

namespace Torsion.Web.Server;

/// <summary>Decodes <c>application/x-www-form-urlencoded</c> text (query strings and form bodies) and path segments.</summary>
internal static class FormDecoder
{
    /// <summary>Adds each <c>name=value</c> pair of <paramref name="text"/> to <paramref name="into"/>, in order; a pair without '=' has an empty value.</summary>
    internal static void Parse(string text, Dictionary<string, List<string>> into)
    {
        foreach (var pair in text.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Unescape(eq < 0 ? pair : pair[..eq], plusIsSpace: true);
            var value = eq < 0 ? "" : Unescape(pair[(eq + 1)..], plusIsSpace: true);
            if (!into.TryGetValue(name, out var values))
            {
                into[name] = values = [];
            }
            values.Add(value);
        }
    }

    /// <summary>Percent-decodes <paramref name="text"/> as UTF-8 (invalid sequences become U+FFFD); a malformed escape is kept as it is.</summary>
    internal static string Unescape(string text, bool plusIsSpace)
    {
        if (text.IndexOf('%', StringComparison.Ordinal) < 0 && (!plusIsSpace || text.IndexOf('+', StringComparison.Ordinal) < 0))
        {
            return text;
        }
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}

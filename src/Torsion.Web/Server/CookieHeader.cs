namespace Torsion.Web.Server;

/// <summary>Reads <c>Cookie</c> request headers and checks <c>Set-Cookie</c> parts (RFC 6265).</summary>
internal static class CookieHeader
{
    /// <summary>The cookies of every <c>Cookie</c> header value, first occurrence of a name winning (as browsers send the most specific first).</summary>
    internal static Dictionary<string, string> Parse(IReadOnlyList<string> headerValues)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in headerValues)
        {
            foreach (var part in header.Split(';'))
            {
                var pair = part.Trim();
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    continue;
                }
                var name = pair[..eq].Trim();
                var value = pair[(eq + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }
                cookies.TryAdd(name, value);
            }
        }
        return cookies;
    }

    /// <summary>Throws unless <paramref name="name"/> is a token and <paramref name="value"/> is cookie-octets (no space, quote, comma, semicolon, backslash or control).</summary>
    internal static void Check(string name, string value)
    {
        if (name.Length == 0 || !Http.HttpSyntax.IsToken(System.Text.Encoding.Latin1.GetBytes(name)) || name.Any(c => c > 0x7E))
        {
            throw new ArgumentException($"'{name}' is not a valid cookie name (RFC 6265 token).", nameof(name));
        }
        foreach (var c in value)
        {
            if (c < 0x21 || c > 0x7E || c is '"' or ',' or ';' or '\\')
            {
                throw new ArgumentException($"The value of cookie '{name}' holds a character RFC 6265 does not allow (space, quote, comma, semicolon, backslash, control or non-ASCII); encode it first.", nameof(value));
            }
        }
    }

    /// <summary>Throws if an attribute value could end the attribute or the header early.</summary>
    internal static void CheckAttribute(string attribute, string? value)
    {
        if (value is not null && value.Any(c => c < 0x20 || c == 0x7F || c == ';'))
        {
            throw new ArgumentException($"The cookie attribute {attribute} holds ';' or a control character.", attribute);
        }
    }
}

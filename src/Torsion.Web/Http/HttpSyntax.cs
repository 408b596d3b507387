namespace Torsion.Web.Http;

/// <summary>Character classes of RFC 9110 §5.6 as lookup tables, and the small grammars the parser checks.</summary>
internal static class HttpSyntax
{
    private static readonly bool[] Tchar = Build(c =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        || "!#$%&'*+-.^_`|~".Contains(c));

    // field-vchar (VCHAR / obs-text), SP and HTAB: every other CTL (and DEL) is refused in a value.
    private static readonly bool[] FieldValueChar = Build(c => c is '\t' or ' ' || (c >= 0x21 && c != 0x7F));

    // unreserved / pct-encoded / sub-delims / ':' / '[' ']' : a Host value (uri-host [":" port]).
    private static readonly bool[] HostChar = Build(c =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        || "-._~%!$&'()*+,;=:[]".Contains(c));

    private static bool[] Build(Func<char, bool> member)
    {
        var table = new bool[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = member((char)i);
        }
        return table;
    }

    public static bool IsToken(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (var b in s)
        {
            if (!Tchar[b])
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsFieldValue(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (!FieldValueChar[b])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Like the byte form, for text: a character above U+00FF is never part of a token.</summary>
    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (c > 0xFF || !Tchar[c])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Like the byte form, for text: a character above U+00FF (not Latin-1) is refused.</summary>
    public static bool IsFieldValue(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c > 0xFF || !FieldValueChar[c])
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsHost(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (!HostChar[b])
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> s)
    {
        var start = 0;
        while (start < s.Length && IsWhitespace(s[start]))
        {
            start++;
        }
        var end = s.Length;
        while (end > start && IsWhitespace(s[end - 1]))
        {
            end--;
        }
        return s[start..end];
    }

    /// <summary>ASCII case-insensitive equality against a lowercase literal.</summary>
    public static bool EqualsLower(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lower)
    {
        if (s.Length != lower.Length)
        {
            return false;
        }
        for (var i = 0; i < s.Length; i++)
        {
            var b = s[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b += 32;
            }
            if (b != lower[i])
            {
                return false;
            }
        }
        return true;
    }

    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string
    /// (RFC 9112 §7.1.1). CR and LF never reach here: the line reader refuses them first.
    /// </summary>
    public static bool IsChunkExtensions(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (true)
        {
            if (i == s.Length)
            {
                return true;
            }
            // BWS is allowed only before a ';': trailing whitespace is not in the grammar.
            i = SkipWhitespace(s, i);
            if (i == s.Length || s[i] != (byte)';')
            {
                return false;
            }
            i = SkipWhitespace(s, i + 1);
            var nameStart = i;
            while (i < s.Length && Tchar[s[i]])
            {
                i++;
            }
            if (i == nameStart)
            {
                return false;
            }
            var afterName = SkipWhitespace(s, i);
            if (afterName == s.Length || s[afterName] != (byte)'=')
            {
                continue;
            }
            i = SkipWhitespace(s, afterName + 1);
            if (i == s.Length)
            {
                return false;
            }
            if (s[i] == (byte)'"')
            {
                i++;
                while (true)
                {
                    if (i == s.Length)
                    {
                        return false;
                    }
                    var b = s[i];
                    if (b == (byte)'"')
                    {
                        i++;
                        break;
                    }
                    if (b == (byte)'\\')
                    {
                        // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                        if (i + 1 == s.Length || !FieldValueChar[s[i + 1]])
                        {
                            return false;
                        }
                        i += 2;
                        continue;
                    }
                    // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
                    if (!FieldValueChar[b])
                    {
                        return false;
                    }
                    i++;
                }
            }
            else
            {
                var valueStart = i;
                while (i < s.Length && Tchar[s[i]])
                {
                    i++;
                }
                if (i == valueStart)
                {
                    return false;
                }
            }
        }
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && IsWhitespace(s[i]))
        {
            i++;
        }
        return i;
    }
}

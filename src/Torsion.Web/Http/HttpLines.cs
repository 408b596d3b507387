namespace Torsion.Web.Http;

/// <summary>
/// The line grammars both parsers share (RFC 9112 §2.2, §5, §7.1): CRLF endings, field lines and
/// chunk-size lines. Each check returns null when the line is good, else the reason it is refused.
/// </summary>
internal static class HttpLines
{
    /// <summary>A line (without its LF) must end in CR and hold no other CR: a bare LF or CR is refused.</summary>
    public static string? CheckEnding(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (line.IsEmpty || line[^1] != (byte)'\r')
        {
            return "bare LF";
        }
        content = line[..^1];
        return content.Contains((byte)'\r') ? "bare CR" : null;
    }

    /// <summary>
    /// Splits a non-empty field line into a token name and a value without surrounding whitespace. Refused:
    /// a line starting with whitespace (obs-fold), no colon, an empty name, whitespace before the colon,
    /// a name that is not a token, a value with control characters.
    /// </summary>
    public static string? SplitField(ReadOnlySpan<byte> content, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        if (HttpSyntax.IsWhitespace(content[0]))
        {
            // obs-fold, or whitespace between the start line and the first field (RFC 9112 §5.2, §2.2).
            return "obsolete line folding";
        }
        var colon = content.IndexOf((byte)':');
        if (colon < 0)
        {
            return "field line without a colon";
        }
        name = content[..colon];
        if (name.IsEmpty || HttpSyntax.IsWhitespace(name[^1]))
        {
            return name.IsEmpty ? "empty field name" : "whitespace before colon";
        }
        if (!HttpSyntax.IsToken(name))
        {
            return "invalid field name";
        }
        value = HttpSyntax.TrimWhitespace(content[(colon + 1)..]);
        return HttpSyntax.IsFieldValue(value) ? null : "invalid field value";
    }

    /// <summary>A chunk-size line: 1 to 16 hex digits (no sign, no <c>0x</c>), then well-formed extensions only.</summary>
    public static string? ParseChunkSize(ReadOnlySpan<byte> content, out ulong size)
    {
        size = 0;
        var digits = 0;
        while (digits < content.Length && HttpSyntax.HexValue(content[digits]) is var v and >= 0)
        {
            if (++digits > 16)
            {
                return "chunk size too long";
            }
            size = (size << 4) | (uint)v;
        }
        if (digits == 0)
        {
            return "invalid chunk size";
        }
        return HttpSyntax.IsChunkExtensions(content[digits..]) ? null : "invalid chunk extension";
    }
}

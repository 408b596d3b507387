using System.Globalization;
using System.Text;

namespace Torsion.Logging;

/// <summary>
/// Renders a message template such as <c>"Lost {peer} after {bytes:N0} bytes"</c> against an
/// event's fields. The grammar is .NET composite formatting with names instead of indexes:
/// <c>{name}</c>, <c>{name,alignment}</c>, <c>{name:format}</c>, <c>{{</c> and <c>}}</c>.
/// </summary>
/// <remarks>
/// Rendering never throws: logging is how failures get reported, so a bad template or a value
/// whose <c>ToString</c> throws must still produce a line. A field not present renders as
/// <c>{MISSING: name}</c>; a value whose formatting throws renders as
/// <c>{UNFORMATTABLE: name: ExceptionType}</c>. Values are formatted with the invariant culture so
/// log files read the same on every machine.
/// </remarks>
internal static class MessageTemplate
{
    /// <summary>Appends the rendering of <paramref name="format"/> to <paramref name="output"/>.</summary>
    internal static void Render(string format, IReadOnlyDictionary<string, object?> fields, StringBuilder output)
    {
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c == '}')
            {
                // "}}" is an escaped brace; a lone "}" is kept as written rather than rejected.
                output.Append('}');
                i += i + 1 < format.Length && format[i + 1] == '}' ? 2 : 1;
                continue;
            }
            if (c != '{')
            {
                var next = format.AsSpan(i).IndexOfAny('{', '}');
                var end = next < 0 ? format.Length : i + next;
                output.Append(format, i, end - i);
                i = end;
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                output.Append('{');
                i += 2;
                continue;
            }
            var close = format.IndexOf('}', i + 1);
            if (close < 0)
            {
                // An unterminated hole: keep the rest literally so nothing the caller wrote is lost.
                output.Append(format, i, format.Length - i);
                return;
            }
            AppendHole(format.AsSpan(i + 1, close - i - 1), fields, output);
            i = close + 1;
        }
    }

    /// <summary>Renders <paramref name="format"/> to a new string.</summary>
    internal static string Render(string format, IReadOnlyDictionary<string, object?> fields)
    {
        // Templates without holes are common ("Server started"); skip the builder for them.
        if (format.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return format;
        }
        var sb = new StringBuilder(format.Length + 32);
        Render(format, fields, sb);
        return sb.ToString();
    }

    private static void AppendHole(ReadOnlySpan<char> hole, IReadOnlyDictionary<string, object?> fields, StringBuilder output)
    {
        var colon = hole.IndexOf(':');
        var spec = colon < 0 ? ReadOnlySpan<char>.Empty : hole[(colon + 1)..];
        var head = colon < 0 ? hole : hole[..colon];
        var comma = head.IndexOf(',');
        var alignment = 0;
        if (comma >= 0)
        {
            // An alignment that does not parse is ignored rather than failing the whole line.
            _ = int.TryParse(head[(comma + 1)..].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out alignment);
            head = head[..comma];
        }
        var name = head.Trim().ToString();
        if (!fields.TryGetValue(name, out var value))
        {
            output.Append("{MISSING: ").Append(name).Append('}');
            return;
        }
        string text;
        try
        {
            text = FormatValue(value, spec.IsEmpty ? null : spec.ToString());
        }
        catch (Exception e)
        {
            output.Append("{UNFORMATTABLE: ").Append(name).Append(": ").Append(e.GetType().Name).Append('}');
            return;
        }
        var pad = Math.Abs(alignment) - text.Length;
        if (pad > 0 && alignment > 0)
        {
            output.Append(' ', pad);
        }
        output.Append(text);
        if (pad > 0 && alignment < 0)
        {
            output.Append(' ', pad);
        }
    }

    /// <summary>Formats one field value the way a template hole shows it.</summary>
    internal static string FormatValue(object? value, string? format) => value switch
    {
        null => "null",
        string s => s,
        IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
